using System.Diagnostics;

namespace ActorSim.Cli.Tests;

/// <summary>tests/trx-summary.sh (the closing line of tests/run-all.sh) counts skipped tests from the results, not from vstest's counter.</summary>
public class TestSummaryScriptTests
{
    private static string Result(string name, string outcome, string? message = null) =>
        $"""
            <UnitTestResult executionId="1" testId="2" testName="{name}" computerName="vm" duration="00:00:00.001" outcome="{outcome}" testListId="3">
              <Output>
                {(message is null ? "" : $"<ErrorInfo>\n          <Message>{message}</Message>\n        </ErrorInfo>")}
              </Output>
            </UnitTestResult>
        """;

    private static (int Exit, string Out, string Err) Summarize(string dir, bool ci, int status = 0)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoRoot.Path, "tests", "trx-summary.sh"));
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(status.ToString());
        psi.Environment.Remove("CI");
        if (ci) psi.Environment["CI"] = "true";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Trim(), err.Result);
    }

    private static void WriteReports(ScratchDir dir, params string[] skipReasons)
    {
        // vstest leaves notExecuted at 0 in <Counters> even when tests were skipped.
        const string counters = """<ResultSummary outcome="Completed"><Counters total="9" executed="3" passed="3" failed="0" notExecuted="0" /></ResultSummary>""";
        File.WriteAllText(dir.File("a.trx"), $"<TestRun><Results>\n{Result("A.one", "Passed")}\n{Result("A.two", "Passed")}\n" +
            string.Join("\n", skipReasons.Select((r, i) => Result($"A.skipped{i}", "NotExecuted", r))) + $"\n</Results>{counters}</TestRun>");
        File.WriteAllText(dir.File("b.trx"), $"<TestRun><Results>\n{Result("B.one", "Passed")}\n</Results>{counters}</TestRun>");
    }

    [Fact]
    public void Skipped_tests_are_counted_from_the_results_and_listed()
    {
        using var dir = new ScratchDir();
        WriteReports(dir, "No RabbitMQ broker for the tests: not installed", "optional: cannot mount a tmpfs here");
        var (exit, stdout, stderr) = Summarize(dir.Path, ci: false);
        Assert.Equal(0, exit);
        Assert.Equal("3 passed, 0 failed, 2 skipped", stdout);
        Assert.Contains("skipped: A.skipped0: No RabbitMQ broker for the tests: not installed", stderr);
    }

    [Fact]
    public void With_ci_a_skip_for_a_missing_service_is_a_failure()
    {
        using var dir = new ScratchDir();
        WriteReports(dir, "No RabbitMQ broker for the tests: not installed", "optional: cannot mount a tmpfs here");
        var (exit, stdout, stderr) = Summarize(dir.Path, ci: true);
        Assert.Equal(1, exit);
        Assert.Equal("3 passed, 1 failed, 2 skipped", stdout);
        Assert.Contains("CI=true and 1 test(s) skipped", stderr);

        using var optional = new ScratchDir();
        WriteReports(optional, "optional: cannot mount a tmpfs here");
        var allowed = Summarize(optional.Path, ci: true);
        Assert.Equal((0, "3 passed, 0 failed, 1 skipped"), (allowed.Exit, allowed.Out));
    }

    [Fact]
    public void A_failed_dotnet_test_is_never_reported_as_all_passed()
    {
        using var dir = new ScratchDir();
        WriteReports(dir);
        var (exit, stdout, _) = Summarize(dir.Path, ci: false, status: 1);
        Assert.Equal(1, exit);
        Assert.Equal("3 passed, 1 failed, 0 skipped", stdout);
    }
}
