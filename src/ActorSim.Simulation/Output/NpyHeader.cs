using System.Globalization;
using System.Text;

namespace ActorSim.Simulation.Output;

/// <summary>
/// The header of a NumPy <c>.npy</c> file (format version 1.0) holding a C-order little-endian float64
/// array: the preamble <c>\x93NUMPY</c>, version bytes 1 0, a little-endian uint16 header length, then
/// the header dict <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (n,), }</c> padded with
/// spaces and a final <c>\n</c> so that the data starts at a multiple of 64 bytes. The padding follows
/// numpy's own writer (numpy.lib.format, numpy 1.24): the same shape gives the same bytes as
/// <c>numpy.save</c>.
/// </summary>
public static class NpyHeader
{
    /// <summary>The six magic bytes that start every .npy file.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The dtype this project writes and reads: little-endian IEEE 754 float64.</summary>
    public const string Float64Descr = "<f8";

    /// <summary>The data starts at a multiple of this many bytes.</summary>
    public const int Alignment = 64;

    // numpy leaves room for the first axis to grow to this many digits (so files can be appended to in place).
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>The full preamble + header (version 1.0) for a C-order float64 array of <paramref name="shape"/>.</summary>
    public static byte[] Build(ReadOnlySpan<int> shape)
    {
        string dict = "{'descr': '" + Float64Descr + "', 'fortran_order': False, 'shape': " + ShapeRepr(shape) + ", }";
        if (shape.Length > 0) dict += new string(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        int preamble = Magic.Length + 2 + 2;
        int hlen = dict.Length + 1;                                      // + the final '\n'
        int pad = Alignment - (preamble + hlen) % Alignment;             // 1..64, as numpy does
        int headerLength = hlen + pad;
        if (headerLength > ushort.MaxValue)
            throw new ArgumentException($"an array of rank {shape.Length} needs a header of {headerLength} bytes, more than .npy version 1.0 allows", nameof(shape));

        var bytes = new byte[preamble + headerLength];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        bytes[8] = (byte)(headerLength & 0xff);
        bytes[9] = (byte)(headerLength >> 8);
        Encoding.ASCII.GetBytes(dict, 0, dict.Length, bytes, preamble);
        bytes.AsSpan(preamble + dict.Length, pad).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Python's repr of a shape tuple: <c>(3,)</c>, <c>(4, 5)</c>, <c>()</c>.</summary>
    public static string ShapeRepr(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 1) return "(" + shape[0].ToString(CultureInfo.InvariantCulture) + ",)";
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(')').ToString();
    }

    /// <summary>What a header dict says.</summary>
    public sealed record Fields(string Descr, bool FortranOrder, int[] Shape);

    /// <summary>
    /// Parses a header dict (the Python literal numpy writes). Throws <see cref="FormatException"/> saying
    /// what is wrong; the reader adds the file name.
    /// </summary>
    public static Fields ParseDict(string text)
    {
        var p = new DictParser(text);
        return p.Parse();
    }

    private sealed class DictParser(string s)
    {
        private int _i;

        public Fields Parse()
        {
            string? descr = null;
            bool? fortran = null;
            int[]? shape = null;
            SkipSpace();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _i++; break; }
                string key = ReadString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr": descr = ReadString(); break;
                    case "fortran_order": fortran = ReadBool(); break;
                    case "shape": shape = ReadShape(); break;
                    default: throw new FormatException($"unexpected key '{key}' in the header (expected descr, fortran_order, shape)");
                }
                SkipSpace();
                if (Peek() == ',') { _i++; continue; }
                if (Peek() == '}') { _i++; break; }
                throw Error("',' or '}'");
            }
            if (s.AsSpan(_i).Trim().Length != 0) throw new FormatException($"unexpected text after the header dict at character {_i}");
            if (descr is null) throw new FormatException("the header has no 'descr' (dtype)");
            if (fortran is null) throw new FormatException("the header has no 'fortran_order'");
            if (shape is null) throw new FormatException("the header has no 'shape'");
            return new Fields(descr, fortran.Value, shape);
        }

        private char Peek() => _i < s.Length ? s[_i] : '\0';

        private void SkipSpace()
        {
            while (_i < s.Length && char.IsWhiteSpace(s[_i])) _i++;
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Error($"'{c}'");
            _i++;
        }

        private FormatException Error(string expected) =>
            new($"malformed header dict: expected {expected} at character {_i} of \"{s.TrimEnd()}\"");

        private string ReadString()
        {
            char q = Peek();
            if (q != '\'' && q != '"') throw Error("a quoted string");
            int end = s.IndexOf(q, _i + 1);
            if (end < 0) throw Error("a closing quote");
            string value = s.Substring(_i + 1, end - _i - 1);
            _i = end + 1;
            return value;
        }

        private bool ReadBool()
        {
            if (string.CompareOrdinal(s, _i, "True", 0, 4) == 0) { _i += 4; return true; }
            if (string.CompareOrdinal(s, _i, "False", 0, 5) == 0) { _i += 5; return false; }
            throw Error("True or False");
        }

        private int[] ReadShape()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _i++; break; }
                int start = _i;
                while (_i < s.Length && char.IsAsciiDigit(s[_i])) _i++;
                if (_i == start) throw Error("a non-negative integer in 'shape'");
                if (Peek() == 'L') _i++;                                           // Python 2 long literal
                if (!int.TryParse(s.AsSpan(start, _i - start).TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    throw new FormatException($"shape dimension {s[start.._i]} is too large");
                dims.Add(d);
                SkipSpace();
                if (Peek() == ',') { _i++; continue; }
                if (Peek() == ')') { _i++; break; }
                throw Error("',' or ')' in 'shape'");
            }
            return dims.ToArray();
        }
    }
}
