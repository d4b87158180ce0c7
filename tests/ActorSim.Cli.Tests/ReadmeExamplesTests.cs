using System.Text.RegularExpressions;

namespace ActorSim.Cli.Tests;

/// <summary>
/// Every example command in the ```bash blocks of the README and of every page under docs/ is run as written: <c>actorsim …</c> and
/// <c>dotnet run --project src/ActorSim.Cli -c Release -- …</c> run the built actorsim. The commands of
/// one block run in order in one scratch copy of the scenarios (a block may plot what it ran), and each
/// must exit 0 (or the code a trailing "# exit N" comment states). The test command itself is not run
/// from inside the suite (it would recurse); everything else must be known.
/// </summary>
public class ReadmeExamplesTests
{
    private const string DotnetRunPrefix = "dotnet run --project src/ActorSim.Cli -c Release -- ";
    private static readonly string[] NotRunHere = ["bash tests/run-all.sh"];

    private static IEnumerable<string[]> Blocks()
    {
        foreach (string page in Pages())
        {
            string text = File.ReadAllText(page);
            foreach (Match block in Regex.Matches(text, "```bash\\n(.*?)```", RegexOptions.Singleline))
                yield return block.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        }
    }

    /// <summary>The README first, then every page under docs/ in name order.</summary>
    private static IEnumerable<string> Pages()
    {
        yield return Path.Combine(RepoRoot.Path, "README.md");
        string docs = Path.Combine(RepoRoot.Path, "docs");
        if (!Directory.Exists(docs)) yield break;
        foreach (string page in Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            yield return page;
    }

    public static IEnumerable<object[]> Commands() => Blocks().SelectMany(b => b).Select(c => new object[] { c });

    public static IEnumerable<object[]> CommandBlocks() => Blocks().Select(b => new object[] { string.Join("\n", b) });

    [Fact]
    public void The_README_starts_with_the_two_newcomer_commands()
    {
        var first = Commands().Select(c => (string)c[0]).Take(2).ToList();
        Assert.Equal(DotnetRunPrefix + "run scenarios/may-nowak-ode.json --out out/may-nowak --force", first[0]);
        Assert.Equal("bash tests/run-all.sh", first[1]);
        string ci = File.ReadAllText(Path.Combine(RepoRoot.Path, ".ci", "run"));
        Assert.Contains("\nbash tests/run-all.sh\n", ci);
    }

    [Theory]
    [MemberData(nameof(CommandBlocks))]
    public void Example_commands_work_as_written(string block)
    {
        using var dir = new ScratchDir();
        foreach (string command in block.Split('\n'))
            RunExample(command, dir);
    }

    private static void RunExample(string command, ScratchDir dir)
    {
        if (NotRunHere.Contains(command)) return;
        int expectedExit = 0;
        var exit = Regex.Match(command, @"\s+#\s*exit\s+(\d+)\s*$");
        if (exit.Success)
        {
            expectedExit = int.Parse(exit.Groups[1].Value);
            command = command[..exit.Index];
        }
        string args = command.StartsWith(DotnetRunPrefix) ? command[DotnetRunPrefix.Length..]
            : command.StartsWith("actorsim ") ? command["actorsim ".Length..]
            : throw new Xunit.Sdk.XunitException($"README example \"{command}\" is neither an actorsim command nor a known shell command; add it to this test");
        var result = ActorsimProcess.Run(dir.Path, Split(args));
        Assert.True(result.ExitCode == expectedExit, $"`{command}` exited {result.ExitCode}, expected {expectedExit}\n{result}");
    }

    private static IEnumerable<string> Split(string args) =>
        Regex.Matches(args, "\"([^\"]*)\"|'([^']*)'|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value);
}
