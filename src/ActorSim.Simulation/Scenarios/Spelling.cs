namespace ActorSim.Simulation.Scenarios;

/// <summary>"Did you mean …?" for misspelt keys, model names and options: the closest known name by edit distance.</summary>
public static class Spelling
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/> (Damerau–Levenshtein with adjacent transpositions, case
    /// ignored), or null when none is within a third of the input's length (at least 1, at most 3 edits). A candidate
    /// that starts with the input (of 3 or more characters) counts as close: "may-nowak" gives "may-nowak-ode", and so does a
    /// misspelt start of 5 or more characters ("may-nowk").
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        if (input.Length >= 3 && candidates.FirstOrDefault(c => c.StartsWith(input, StringComparison.OrdinalIgnoreCase)) is { } prefixed)
            return prefixed;
        int limit = Math.Clamp(input.Length / 3, 1, 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string c in candidates)
        {
            int d = Distance(input.ToLowerInvariant(), c.ToLowerInvariant());
            if (input.Length >= 5 && c.Length > input.Length + 1) // a misspelt start of a longer name: "may-nowk"
                d = Math.Min(d, Distance(input.ToLowerInvariant(), c[..(input.Length + 1)].ToLowerInvariant()) + 1);
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>" (did you mean \"x\"?)" or the empty string.</summary>
    public static string Hint(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } s ? $" (did you mean \"{s}\"?)" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
