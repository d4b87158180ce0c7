using System.Text.RegularExpressions;

namespace ActorSim.Cli.Tests;

/// <summary>The README stays a short entry page; the pages under docs/ keep lines readable and links that resolve.</summary>
public class DocumentationTests
{
    private static IEnumerable<string> Pages() =>
        Directory.GetFiles(Path.Combine(RepoRoot.Path, "docs"), "*.md").Order(StringComparer.Ordinal).Prepend(Path.Combine(RepoRoot.Path, "README.md"));

    [Fact]
    public void The_README_is_at_most_16_KB_and_links_every_docs_page()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        Assert.True(new FileInfo(Path.Combine(RepoRoot.Path, "README.md")).Length <= 16 * 1024, "README.md is over 16 KB: move the details to a page under docs/");
        foreach (string page in Directory.GetFiles(Path.Combine(RepoRoot.Path, "docs"), "*.md"))
            Assert.Contains($"(docs/{Path.GetFileName(page)})", readme);
    }

    /// <summary>Prose lines are at most 120 characters; table rows (which markdown cannot wrap) and code are exempt.</summary>
    [Fact]
    public void Prose_lines_are_at_most_120_characters()
    {
        var long_ = new List<string>();
        foreach (string page in Pages())
        {
            bool code = false;
            string[] lines = File.ReadAllLines(page);
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("```", StringComparison.Ordinal)) code = !code;
                if (!code && !lines[i].StartsWith('|') && lines[i].Length > 120)
                    long_.Add($"{Path.GetFileName(page)}:{i + 1}: {lines[i].Length} characters");
            }
        }
        Assert.Empty(long_);
    }

    [Fact]
    public void Relative_links_point_at_files_that_exist()
    {
        var broken = new List<string>();
        foreach (string page in Pages())
            foreach (Match m in Regex.Matches(File.ReadAllText(page), @"\]\(([^)#:]+)(#[^)]*)?\)"))
            {
                string target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, m.Groups[1].Value));
                if (!File.Exists(target) && !Directory.Exists(target)) broken.Add($"{Path.GetFileName(page)}: {m.Value}");
            }
        Assert.Empty(broken);
    }
}
