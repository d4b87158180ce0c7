using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Writes a run's outputs into its directory: <c>timeseries.csv</c> (a header line
/// <c>t,&lt;columns&gt;</c>, then one line per <see cref="OutputRow"/>, numbers in invariant culture with
/// shortest round-trip formatting, so equal doubles give equal bytes) and field snapshots
/// <c>fields/&lt;name&gt;_&lt;index&gt;.npy</c>. Keeps one SHA-256 over every byte written, in the order
/// the messages came — the run's <c>results_sha256</c>.
/// </summary>
public sealed class OutputWriterActor : Actor
{
    private readonly string _directory;
    private readonly string _path;
    private readonly IReadOnlyList<string> _columns;
    private FileStream? _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly StringBuilder _line = new();
    private long _rows;
    private bool _abandoned;
    private readonly List<string> _unsynced = new();   // field files written since the last FlushOutput

    private readonly OutputResume? _resume;

    /// <param name="resume">Continue the outputs of a stopped run (see <see cref="OutputResume"/>), or null for a fresh start.</param>
    public OutputWriterActor(string directory, IReadOnlyList<string> columns, OutputResume? resume = null)
    {
        _resume = resume;
        _directory = directory;
        _path = Path.Combine(directory, "timeseries.csv");
        _columns = columns;
    }

    protected override void PreStart()
    {
        if (_resume is { } r)
        {
            Resume(r);
            return;
        }
        _stream = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read);
        Write("t," + string.Join(",", _columns) + "\n");
    }

    protected override void Receive(object message)
    {
        if (_abandoned) return; // late messages of an interrupted epoch of a cluster run
        switch (message)
        {
            case AbandonOutput:
                _stream?.Flush(flushToDisk: true);
                _stream?.Dispose();
                _stream = null;
                _abandoned = true;
                Sender?.Tell(new OutputAbandoned(_rows), Self);
                break;
            case OutputRow row:
                _line.Clear();
                _line.Append(row.T.ToString("R", CultureInfo.InvariantCulture));
                foreach (double v in row.Values) _line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                _line.Append('\n');
                Write(_line.ToString());
                _rows++;
                break;
            case WriteField(var index, var field):
                string fields = Path.Combine(_directory, "fields");
                Directory.CreateDirectory(fields);
                byte[] npy = Output.NpyWriter.Encode(field.Values, field.Shape);
                string path = Path.Combine(fields, $"{field.Name}_{index:D4}.npy");
                Output.NpyWriter.WriteAtomically(path, npy);
                _unsynced.Add(path);
                _hash.AppendData(npy);
                break;
            case FlushOutput:
                // A checkpoint's manifest is written only after this answer: its outputs must be on disk first.
                _stream!.Flush(flushToDisk: true);
                foreach (string f in _unsynced)
                    using (var fs = new FileStream(f, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) fs.Flush(flushToDisk: true);
                if (_unsynced.Count > 0) DirectorySync.Flush(Path.Combine(_directory, "fields")); // their renames too
                _unsynced.Clear();
                Sender?.Tell(new OutputFlushed(_rows), Self);
                break;
            case CloseOutput:
                _stream!.Flush(flushToDisk: true);
                _stream.Dispose();
                _stream = null;
                Sender?.Tell(new OutputClosed(_rows, Convert.ToHexStringLower(_hash.GetHashAndReset())), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Keeps the header and the first <see cref="OutputResume.Rows"/> rows of the time series and the field files of
    /// those outputs (later ones are removed), and re-hashes the kept bytes in the order they were first written
    /// (header; then per output its row and its fields), so the running hash continues as if never stopped.
    /// </summary>
    private void Resume(OutputResume r)
    {
        byte[] bytes = File.ReadAllBytes(_path);
        long keep = OutputResume.LengthOfRows(bytes, r.Rows)
            ?? throw new CheckpointException($"{_path} has fewer than the {r.Rows} rows the checkpoint needs");
        string fields = Path.Combine(_directory, "fields");
        int pos = Array.IndexOf(bytes, (byte)'\n') + 1;
        _hash.AppendData(bytes, 0, pos);
        for (int i = 0; i < r.Rows; i++)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', pos) + 1;
            _hash.AppendData(bytes, pos, end - pos);
            pos = end;
            foreach (string name in r.FieldNames) _hash.AppendData(File.ReadAllBytes(Path.Combine(fields, $"{name}_{i:D4}.npy")));
        }
        if (Directory.Exists(fields))
            foreach (string f in Directory.EnumerateFiles(fields, "*.npy"))
            {
                string stem = Path.GetFileNameWithoutExtension(f);
                int u = stem.LastIndexOf('_');
                if (u >= 0 && int.TryParse(stem[(u + 1)..], out int index) && index >= r.Rows) File.Delete(f);
            }
        _stream = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read);
        _stream.SetLength(keep);
        _stream.Seek(keep, SeekOrigin.Begin);
        _rows = r.Rows;
    }

    private void Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _stream!.Write(bytes);
        _stream.Flush();
        _hash.AppendData(bytes);
    }

    protected override void PostStop() => _stream?.Dispose();
}

/// <summary>
/// Closes the outputs of an interrupted epoch of a cluster run without finishing them (the next epoch's writer continues
/// them from the checkpoint); later messages are ignored. Answered with <see cref="OutputAbandoned"/>.
/// </summary>
public sealed record AbandonOutput;

/// <summary>The writer closed its files after <see cref="AbandonOutput"/>, with <paramref name="Rows"/> rows written.</summary>
public sealed record OutputAbandoned(long Rows);

/// <summary>How to continue a stopped run's outputs: the time-series rows to keep and the field names written at each output, in order.</summary>
public sealed record OutputResume(long Rows, IReadOnlyList<string> FieldNames)
{
    /// <summary>Byte length of the header plus <paramref name="rows"/> rows of a time series, or null when it has fewer.</summary>
    public static long? LengthOfRows(ReadOnlySpan<byte> csv, long rows)
    {
        long lines = 0;
        for (int i = 0; i < csv.Length; i++)
            if (csv[i] == (byte)'\n' && ++lines == rows + 1) return i + 1;
        return null;
    }
}
