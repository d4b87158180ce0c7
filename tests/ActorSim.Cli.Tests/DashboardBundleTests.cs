using System.Security.Cryptography;

namespace ActorSim.Cli.Tests;

/// <summary>
/// The dashboard's bundle (src/ActorSim.Dashboard.Web/dist/) is committed so that building actorsim needs no Node.js;
/// its build writes dist/sources.sha256, the SHA-256 of every source it was built from. A source changed without a
/// rebuild (cd src/ActorSim.Dashboard.Web &amp;&amp; npm ci &amp;&amp; npm run build) fails here.
/// </summary>
public class DashboardBundleTests
{
    private static string Web => Path.Combine(RepoRoot.Path, "src", "ActorSim.Dashboard.Web");

    [Fact]
    public void The_committed_bundle_was_built_from_the_current_sources()
    {
        var sources = new[] { "build.mjs", "package.json", "package-lock.json" }
            .Concat(Directory.GetFiles(Path.Combine(Web, "src"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Web, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
        string expected = string.Concat(sources.Select(f =>
            $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Web, f))))}  {f}\n"));
        string stamp = Path.Combine(Web, "dist", "sources.sha256");
        Assert.True(File.Exists(stamp), $"{stamp} is missing: rebuild the dashboard bundle (npm ci && npm run build) and commit dist/");
        Assert.True(expected == File.ReadAllText(stamp),
            "the dashboard's sources changed since dist/ was built: run 'npm ci && npm run build' in src/ActorSim.Dashboard.Web and commit dist/");
    }

    [Fact]
    public void The_bundle_is_embedded_in_actorsim()
    {
        var assembly = typeof(ActorSim.Cli.CliApp).Assembly;
        var names = assembly.GetManifestResourceNames();
        foreach (string file in new[] { "index.html", "app.js", "app.css" })
        {
            Assert.Contains($"dashboard/{file}", names);
            using var embedded = assembly.GetManifestResourceStream($"dashboard/{file}")!;
            using var copy = new MemoryStream();
            embedded.CopyTo(copy);
            Assert.Equal(File.ReadAllBytes(Path.Combine(Web, "dist", file)), copy.ToArray());
        }
    }
}
