using System.Text;

namespace ActorSim.Simulation.Scenarios;

/// <summary>One member of a sweep: its index, its directory name and the overrides that make its scenario.</summary>
public sealed record SweepMember(int Index, string Name, IReadOnlyList<ScenarioOverride> Overrides);

/// <summary>
/// The members of a sweep over <see cref="SweepAxis"/>es: the product of the axes (the first axis varies slowest),
/// or with zip the i-th value of every axis together. An axis of one value is a fixed override of every member.
/// </summary>
public static class SweepPlan
{
    /// <summary>The most members a sweep may have.</summary>
    public const int MaxMembers = 100_000;

    public static IReadOnlyList<SweepMember> Members(IReadOnlyList<SweepAxis> axes, bool zip)
    {
        var duplicate = axes.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw Bad(duplicate.Last().Text, $"{duplicate.Key} is swept twice; give each key once (a list a,b,c names several values)");
        var swept = axes.Where(a => a.Values.Count > 1).ToList();
        var index = new List<int[]>();
        if (zip)
        {
            if (swept.Count > 0 && swept.Any(a => a.Values.Count != swept[0].Values.Count))
                throw Bad(swept.First(a => a.Values.Count != swept[0].Values.Count).Text,
                    $"--zip needs axes of equal length: {string.Join(", ", swept.Select(a => $"{a.Key} has {a.Values.Count}"))} values");
            int n = swept.Count == 0 ? 1 : swept[0].Values.Count;
            for (int i = 0; i < n; i++) index.Add(axes.Select(a => a.Values.Count > 1 ? i : 0).ToArray());
        }
        else
        {
            double total = axes.Aggregate(1.0, (p, a) => p * a.Values.Count);
            if (total > MaxMembers)
                throw Bad(axes[^1].Text, $"the product of the axes has {total:0} members; a sweep is limited to {MaxMembers}");
            var current = new int[axes.Count];
            for (int m = 0; m < (int)total; m++)
            {
                index.Add((int[])current.Clone());
                for (int a = axes.Count - 1; a >= 0; a--)
                {
                    if (++current[a] < axes[a].Values.Count) break;
                    current[a] = 0;
                }
            }
        }
        return index.Select((ix, m) => new SweepMember(m, Name(m, axes, ix), axes.Select((a, i) => a.Override(ix[i])).ToList())).ToList();
    }

    /// <summary>The directory name of member <paramref name="m"/>: its number and its swept values, e.g. <c>0003_chi=5.5_seed=2</c>.</summary>
    private static string Name(int m, IReadOnlyList<SweepAxis> axes, int[] ix)
    {
        var name = new StringBuilder(m.ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 0; i < axes.Count; i++)
        {
            if (axes[i].Values.Count <= 1) continue;
            name.Append('_').Append(axes[i].Key.Split('.')[^1]).Append('=').Append(ScenarioOverride.Display(axes[i].Values[ix[i]]));
        }
        var safe = new StringBuilder();
        foreach (char c in name.ToString()) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '=' or '_' or '-' or '+' ? c : '_');
        return safe.Length > 100 ? safe.ToString(0, 100) : safe.ToString();
    }

    private static ScenarioException Bad(string text, string why) => new([new ScenarioError($"--set {text}", "$", why)]);
}
