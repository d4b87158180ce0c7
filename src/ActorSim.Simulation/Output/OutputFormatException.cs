namespace ActorSim.Simulation.Output;

/// <summary>
/// An output file (a <c>.npy</c> field snapshot, <c>timeseries.csv</c>, …) that cannot be read: the
/// message names the file, the line where there is one, and what is wrong.
/// </summary>
public sealed class OutputFormatException : Exception
{
    public OutputFormatException(string file, string problem, int? line = null, Exception? inner = null)
        : base(line is null ? $"{file}: {problem}" : $"{file}:{line}: {problem}", inner)
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file as the caller named it.</summary>
    public string File { get; }

    /// <summary>The 1-based line of a text file, or null.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
