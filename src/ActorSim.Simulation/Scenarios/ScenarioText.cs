using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// The text of a scenario before it becomes JSON nodes: read within <see cref="ScenarioLimits"/> (a file is
/// never read past its limit), decoded to UTF-8, and scanned once with a JSON reader that reports, each with
/// its JSON path, duplicate keys, strings longer than the limit and syntax errors in plain words (an empty
/// file, a trailing comma, NaN, an unclosed object) instead of the reader's own messages.
/// </summary>
internal static class ScenarioText
{
    /// <summary>The bytes of the file at <paramref name="path"/>, refused (with a reason) when not a readable file within the limit.</summary>
    public static byte[] ReadFile(string path, ScenarioLimits limits)
    {
        if (Directory.Exists(path)) throw Refuse(path, "is a directory, not a scenario file; give the path of a scenario .json file");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Refuse(path, "no such file; give the path of a scenario .json file");
        }
        catch (UnauthorizedAccessException)
        {
            throw Refuse(path, "permission denied: the file cannot be read by this user");
        }
        catch (IOException e)
        {
            throw Refuse(path, $"the file cannot be read: {e.Message}");
        }
        using (stream)
        {
            long limit = limits.MaxFileBytes;
            if (stream.CanSeek && stream.Length > limit)
                throw Refuse(path, $"the file is {ScenarioLimits.Bytes(stream.Length)}; scenario files are limited to {ScenarioLimits.Bytes(limit)}");
            // Read at most limit + 1 bytes, also from files that do not know their length (pipes, devices).
            var buffer = new ArrayBufferWriter<byte>(stream.CanSeek ? (int)Math.Max(1, stream.Length) : 64 * 1024);
            try
            {
                while (true)
                {
                    int want = (int)Math.Min(64 * 1024, limit + 1 - buffer.WrittenCount);
                    if (want <= 0) throw Refuse(path, $"the file is larger than {ScenarioLimits.Bytes(limit)}, the limit of scenario files");
                    int n = stream.Read(buffer.GetSpan(want)[..want]);
                    if (n == 0) break;
                    buffer.Advance(n);
                }
            }
            catch (IOException e)
            {
                throw Refuse(path, $"the file cannot be read: {e.Message}");
            }
            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>
    /// The UTF-8 text of <paramref name="bytes"/>: a UTF-8 byte-order mark is dropped, UTF-16 and UTF-32 with a
    /// byte-order mark are converted; anything else must be valid UTF-8, not empty and without NUL bytes.
    /// </summary>
    public static byte[] ToUtf8(byte[] bytes, string file)
    {
        ReadOnlySpan<byte> b = bytes;
        Encoding? bom = b switch
        {
            [0xFF, 0xFE, 0x00, 0x00, ..] => new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true),
            [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true),
            [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
            [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
            _ => null,
        };
        if (bom is not null)
        {
            try
            {
                bytes = Encoding.UTF8.GetBytes(bom.GetString(bytes, bom.Preamble.Length, bytes.Length - bom.Preamble.Length));
            }
            catch (DecoderFallbackException)
            {
                throw Refuse(file, $"the file starts with a {bom.EncodingName} byte-order mark but is not valid {bom.EncodingName} text; save it as UTF-8");
            }
        }
        else if (b is [0xEF, 0xBB, 0xBF, ..]) bytes = bytes[3..];

        if (!Utf8.IsValid(bytes))
        {
            Utf8.ToUtf16(bytes, new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);   // stops at the first invalid byte
            var (line, column) = Position(bytes, read);
            throw Refuse(file, $"the file is not UTF-8 text (invalid byte 0x{bytes[read]:X2} at line {line}, byte {column}); save it as UTF-8");
        }
        int nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            var (line, column) = Position(bytes, nul);
            throw Refuse(file, $"the file holds a NUL byte (line {line}, byte {column}): it is not a text file, or it is UTF-16 without a byte-order mark; save it as UTF-8");
        }
        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
            throw Refuse(file, "the file is empty; a scenario is a JSON object: { \"model\": ..., \"parameters\": {...}, \"initial\": {...}, \"time\": {...} }");
        return bytes;
    }

    /// <summary>
    /// Scans the JSON text: duplicate keys and over-long strings are returned (with their paths); a syntax error
    /// throws a <see cref="ScenarioException"/> with one plain sentence.
    /// </summary>
    public static List<ScenarioError> Scan(ReadOnlySpan<byte> json, string file, ScenarioLimits limits)
    {
        var errors = new List<ScenarioError>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = limits.MaxDepth });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var frame = frames.Peek();
                        if (reader.ValueSpan.Length > limits.MaxStringBytes)
                        {
                            errors.Add(new ScenarioError(file, frame.Path, $"a key of {ScenarioLimits.Bytes(reader.ValueSpan.Length)} is too long: keys and strings are limited to {ScenarioLimits.Bytes(limits.MaxStringBytes)}"));
                            frame.Key = "<long key>";
                            break;
                        }
                        string name = reader.GetString()!;
                        frame.Key = name;
                        if (!frame.Keys!.Add(name))
                            errors.Add(new ScenarioError(file, $"{frame.Path}.{name}", $"duplicate key \"{name}\": it is given more than once in {frame.Path}; give each key once"));
                        break;
                    }
                    case JsonTokenType.StartObject:
                        frames.Push(new Frame(ValuePath(frames), new HashSet<string>(StringComparer.Ordinal)));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Push(new Frame(ValuePath(frames), null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.String:
                    {
                        string path = ValuePath(frames);
                        if (reader.ValueSpan.Length > limits.MaxStringBytes)
                            errors.Add(new ScenarioError(file, path, $"a string of {ScenarioLimits.Bytes(reader.ValueSpan.Length)} is too long: strings are limited to {ScenarioLimits.Bytes(limits.MaxStringBytes)}"));
                        else reader.GetString();   // throws on an invalid \u escape (a lone surrogate)
                        break;
                    }
                    default:
                        ValuePath(frames);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ScenarioException([new ScenarioError(file, "$", SyntaxError(json, e, limits))]);
        }
        catch (InvalidOperationException)
        {
            var (line, column) = Position(json, (int)reader.TokenStartIndex);
            throw new ScenarioException([new ScenarioError(file, ValuePath(frames), $"not valid JSON (line {line}, byte {column}): the string holds an invalid \\u escape (a lone UTF-16 surrogate)")]);
        }
        return errors;
    }

    private sealed class Frame(string path, HashSet<string>? keys)
    {
        public string Path { get; } = path;
        /// <summary>The keys seen so far (objects); null for an array.</summary>
        public HashSet<string>? Keys { get; } = keys;
        public string? Key { get; set; }
        public int Index { get; set; }
    }

    /// <summary>The path of the value that starts now (and, in an array, moves on to the next index).</summary>
    private static string ValuePath(Stack<Frame> frames)
    {
        if (frames.Count == 0) return "$";
        var top = frames.Peek();
        return top.Keys is null ? $"{top.Path}[{top.Index++}]" : $"{top.Path}.{top.Key}";
    }

    /// <summary>One plain sentence for the reader's syntax error <paramref name="e"/>.</summary>
    private static string SyntaxError(ReadOnlySpan<byte> json, JsonException e, ScenarioLimits limits)
    {
        long line0 = e.LineNumber ?? 0, col0 = e.BytePositionInLine ?? 0;
        int offset = Offset(json, line0, col0);
        if (offset > 0 && offset < json.Length && json[offset - 1] == '-' && json[offset] is (byte)'I' or (byte)'i') { offset--; col0--; }
        string where = $"line {line0 + 1}, byte {col0 + 1}";
        var rest = json[Math.Min(offset, json.Length)..];
        var before = json[..Math.Min(offset, json.Length)].TrimEnd(" \t\r\n"u8);
        var restTrimmed = rest.TrimStart(" \t\r\n"u8);
        string message = e.Message;
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"not valid JSON ({where}): objects and arrays are nested more than {limits.MaxDepth} levels deep";
        if (restTrimmed.IsEmpty)
            return $"the file ends before the JSON is complete ({where}): an object or array is not closed, or a value is missing";
        if (restTrimmed.StartsWith("NaN"u8) || restTrimmed.StartsWith("Infinity"u8) || restTrimmed.StartsWith("-Infinity"u8)
            || restTrimmed.StartsWith("nan"u8) || restTrimmed.StartsWith("inf"u8) || restTrimmed.StartsWith("-inf"u8))
            return $"not valid JSON ({where}): {Word(restTrimmed)} is not a JSON number; numbers must be finite, written like 1.5 or 2e-3";
        bool closes = restTrimmed[0] is (byte)'}' or (byte)']';
        if (closes && before.EndsWith(","u8))
        {
            var (line, column) = Position(json, before.Length - 1);
            where = $"line {line}, byte {column}";
        }
        if ((closes && before.EndsWith(","u8)) || (restTrimmed[0] == ',' && restTrimmed[1..].TrimStart(" \t\r\n"u8) is [(byte)'}' or (byte)']', ..]))
            return $"not valid JSON ({where}): a comma after the last item of an object or array (a trailing comma) is not allowed; remove it";
        if (restTrimmed[0] == '\'')
            return $"not valid JSON ({where}): strings and keys must be in double quotes (\"...\"), not single quotes";
        if (message.Contains("after a single JSON value", StringComparison.Ordinal))
            return $"not valid JSON ({where}): there is more text after the end of the scenario's object";
        // The reader's own sentence, without its position details and option advice.
        string first = message;
        foreach (string marker in new[] { " LineNumber:", " Path:", " Change the reader options" })
        {
            int at = first.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0) first = first[..at];
        }
        if (first.Contains("isFinalBlock", StringComparison.Ordinal) || first.Contains("reader options", StringComparison.Ordinal))
            first = $"unexpected text {Word(restTrimmed)}";
        return $"not valid JSON ({where}): {first.TrimEnd('.')}";
    }

    /// <summary>The token at the start of <paramref name="s"/>, quoted and cut to 20 characters.</summary>
    private static string Word(ReadOnlySpan<byte> s)
    {
        int n = 0;
        while (n < s.Length && n < 20 && s[n] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) n++;
        return n == 0 ? "'" + Encoding.UTF8.GetString(s[..1]) + "'" : Encoding.UTF8.GetString(s[..n]);
    }

    private static int Offset(ReadOnlySpan<byte> json, long line0, long col0)
    {
        int offset = 0;
        for (long l = 0; l < line0; l++)
        {
            int nl = json[offset..].IndexOf((byte)'\n');
            if (nl < 0) return json.Length;
            offset += nl + 1;
        }
        return (int)Math.Min(json.Length, offset + col0);
    }

    private static (int Line, int Column) Position(ReadOnlySpan<byte> text, int offset)
    {
        var head = text[..Math.Min(offset, text.Length)];
        int line = head.Count((byte)'\n') + 1;
        int column = offset - (head.LastIndexOf((byte)'\n') + 1) + 1;
        return (line, column);
    }

    private static ScenarioException Refuse(string file, string message) => new([new ScenarioError(file, "$", message)]);
}
