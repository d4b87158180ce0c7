using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorSim.Actors;

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

    public OutputWriterActor(string directory, IReadOnlyList<string> columns)
    {
        _directory = directory;
        _path = Path.Combine(directory, "timeseries.csv");
        _columns = columns;
    }

    protected override void PreStart()
    {
        _stream = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read);
        Write("t," + string.Join(",", _columns) + "\n");
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
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
                Output.NpyWriter.WriteAtomically(Path.Combine(fields, $"{field.Name}_{index:D4}.npy"), npy);
                _hash.AppendData(npy);
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

    private void Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _stream!.Write(bytes);
        _stream.Flush();
        _hash.AppendData(bytes);
    }

    protected override void PostStop() => _stream?.Dispose();
}
