using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorSim.Simulation.Output;

/// <summary>One field snapshot file, <c>fields/&lt;name&gt;_&lt;index&gt;.npy</c>.</summary>
public sealed record FieldSnapshot(string Name, int Index, string Path);

/// <summary>
/// Names and finds field snapshots in a run's <c>fields/</c> directory: <c>&lt;name&gt;_&lt;index&gt;.npy</c>,
/// the index a non-negative integer written with at least 4 digits (<c>u_0003.npy</c>). Names may
/// themselves contain underscores (<c>rho_v_0012.npy</c> is field <c>rho_v</c>, index 12).
/// </summary>
public static partial class FieldSnapshots
{
    /// <summary>The subdirectory of a run directory that holds the snapshots.</summary>
    public const string DirectoryName = "fields";

    /// <summary><c>&lt;name&gt;_&lt;index:D4&gt;.npy</c>.</summary>
    public static string FileName(string name, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', '\\']) >= 0)
            throw new ArgumentException($"'{name}' is not a valid field name", nameof(name));
        return $"{name}_{index.ToString("D4", CultureInfo.InvariantCulture)}.npy";
    }

    /// <summary>Every snapshot in <paramref name="fieldsDirectory"/> (none if it does not exist), by name then index.</summary>
    public static IReadOnlyList<FieldSnapshot> List(string fieldsDirectory)
    {
        if (!Directory.Exists(fieldsDirectory)) return [];
        var found = new List<FieldSnapshot>();
        foreach (string file in Directory.EnumerateFiles(fieldsDirectory, "*.npy"))
        {
            var m = SnapshotName().Match(System.IO.Path.GetFileName(file));
            if (m.Success && int.TryParse(m.Groups["index"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                found.Add(new FieldSnapshot(m.Groups["name"].Value, index, file));
        }
        return found.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Index).ToList();
    }

    /// <summary>For each field name, its snapshot with the highest index, ordered by name.</summary>
    public static IReadOnlyList<FieldSnapshot> Latest(string fieldsDirectory) =>
        List(fieldsDirectory).GroupBy(s => s.Name).Select(g => g.Last()).ToList();

    [GeneratedRegex(@"^(?<name>.+)_(?<index>[0-9]+)\.npy$")]
    private static partial Regex SnapshotName();
}
