using System.Text;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Scenarios;

/// <summary>Bad scenario input of every kind is one plain sentence with a path: sizes, encodings, syntax, duplicates, ranges.</summary>
public class ScenarioInputTests
{
    private const string Valid = """
        {
          "model": "may-nowak-ode",
          "description": "test",
          "parameters": { "d1": 0.1, "d2": 0.5, "d3": 5.0, "beta": 0.002, "k": 100.0, "r": 10.0 },
          "initial": { "u": 100.0, "v": 0.0, "w": 1.0 },
          "time": { "end": 50.0, "output_interval": 0.5 },
          "run": { "blocks": 1, "seed": 3 }
        }
        """;

    private static ScenarioError Single(string text, ScenarioLimits? limits = null) =>
        Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "s.json", limits: limits)).Errors);

    private static ScenarioError SingleFromFile(byte[] content, ScenarioLimits? limits = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"actorsim-input-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, content);
        try
        {
            return Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path, limits)).Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertPlain(string message)
    {
        foreach (string jargon in new[] { "isFinalBlock", "reader options", "LineNumber", "BytePositionInLine", "Exception", " at " })
            Assert.DoesNotContain(jargon, message);
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_before_it_is_read()
    {
        var e = SingleFromFile(new byte[5000], new ScenarioLimits(MaxFileBytes: 4096));
        Assert.Equal("$", e.JsonPath);
        Assert.Equal("the file is 5000 bytes; scenario files are limited to 4 KiB (4096 bytes)", e.Message);
    }

    [Fact]
    public void The_default_file_limit_is_16_MiB()
    {
        Assert.Equal(16L * 1024 * 1024, ScenarioLimits.Default.MaxFileBytes);
        string path = Path.Combine(Path.GetTempPath(), $"actorsim-input-{Guid.NewGuid():N}.json");
        using (var f = File.Create(path)) f.SetLength(16L * 1024 * 1024 + 1);   // sparse: nothing to read if it were read
        try
        {
            var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Errors);
            Assert.Equal("the file is 16 MiB (16777217 bytes); scenario files are limited to 16 MiB (16777216 bytes)", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_device_without_a_length_is_read_only_up_to_the_limit()
    {
        if (!File.Exists("/dev/zero")) return;
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("/dev/zero", new ScenarioLimits(MaxFileBytes: 100_000))).Errors);
        Assert.Contains("larger than 100000 bytes, the limit of scenario files", e.Message);
    }

    [Fact]
    public void A_directory_is_not_a_scenario_file()
    {
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Path.GetTempPath())).Errors);
        Assert.StartsWith("is a directory, not a scenario file", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("/nonexistent/s.json")).Errors);
        Assert.Equal("/nonexistent/s.json: $: no such file; give the path of a scenario .json file", e.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t ")]
    public void An_empty_file_is_said_to_be_empty(string text)
    {
        var e = SingleFromFile(Encoding.UTF8.GetBytes(text));
        Assert.StartsWith("the file is empty; a scenario is a JSON object", e.Message);
    }

    [Fact]
    public void A_trailing_comma_is_named()
    {
        var e = Single(Valid.Replace("\"seed\": 3 }", "\"seed\": 3, }"));
        Assert.Equal("not valid JSON (line 7, byte 34): a comma after the last item of an object or array (a trailing comma) is not allowed; remove it", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void A_literal_nan_or_infinity_is_not_a_number(string literal)
    {
        var e = Single(Valid.Replace("\"beta\": 0.002", $"\"beta\": {literal}"));
        Assert.Equal($"not valid JSON (line 4, byte 60): {literal} is not a JSON number; numbers must be finite, written like 1.5 or 2e-3", e.Message);
    }

    [Theory]
    [InlineData("{ \"model\": \"may-nowak-ode\"", "the file ends before the JSON is complete")]
    [InlineData("{ 'model': 1 }", "strings and keys must be in double quotes")]
    [InlineData("{ \"model\": 1 } x", "there is more text after the end of the scenario's object")]
    [InlineData("{ \"model\" 1 }", "not valid JSON (line 1, byte 11)")]
    [InlineData("{ model: 1 }", "not valid JSON (line 1, byte 3)")]
    [InlineData("{ \"model\": .5 }", "not valid JSON (line 1, byte 12): '.' is an invalid start of a value")]
    public void Syntax_errors_are_plain_sentences(string text, string expected)
    {
        var e = Single(text);
        Assert.Equal("$", e.JsonPath);
        Assert.Contains(expected, e.Message);
        AssertPlain(e.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_with_the_limit()
    {
        string deep = new string('[', 100) + new string(']', 100);
        var e = Single(Valid.Replace("\"test\"", deep));
        Assert.Contains("nested more than 64 levels deep", e.Message);
    }

    [Fact]
    public void A_duplicate_key_is_an_error_naming_the_key_and_its_object()
    {
        var e = Single(Valid.Replace("\"beta\": 0.002", "\"beta\": 0.002, \"beta\": 0.003"));
        Assert.Equal("$.parameters.beta", e.JsonPath);
        Assert.Equal("duplicate key \"beta\": it is given more than once in $.parameters; give each key once", e.Message);
        Assert.Equal("$.run.blocks", Single(Valid.Replace("\"seed\": 3", "\"seed\": 3, \"blocks\": 2")).JsonPath);
        Assert.Equal("$.model", Single(Valid.Replace("\"description\"", "\"model\": \"x\", \"description\"")).JsonPath);
    }

    [Fact]
    public void A_string_over_the_limit_is_refused_with_its_path()
    {
        var e = Single(Valid.Replace("\"test\"", "\"" + new string('x', 70_000) + "\""));
        Assert.Equal("$.description", e.JsonPath);
        Assert.Equal("a string of 70000 bytes is too long: strings are limited to 64 KiB (65536 bytes)", e.Message);
        Assert.Equal("$.parameters", Single(Valid.Replace("\"d1\"", "\"" + new string('k', 70_000) + "\"")).JsonPath);
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_are_named()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("test", "t\u00e9st"));
        int i = Array.IndexOf(bytes, (byte)0xC3);
        bytes[i] = 0xFF;
        Assert.StartsWith("the file is not UTF-8 text (invalid byte 0xFF at line 3, byte 20)", SingleFromFile(bytes).Message);
        Assert.Contains("UTF-16 without a byte-order mark", SingleFromFile(Encoding.Unicode.GetBytes(Valid)).Message);
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_and_utf8_with_one_are_read()
    {
        foreach (var encoding in new Encoding[] { new UnicodeEncoding(false, true), new UnicodeEncoding(true, true), new UTF8Encoding(true) })
        {
            string path = Path.Combine(Path.GetTempPath(), $"actorsim-input-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, Valid, encoding);
            try
            {
                Assert.Equal(0.002, ScenarioLoader.Load(path).P("beta"));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Theory]
    [InlineData("\"blocks\": 1, \"seed\": 1e30", "$.run.seed", "1e30 is not allowed: must be a whole number from 0 to 9223372036854775807")]
    [InlineData("\"blocks\": 1, \"seed\": 18446744073709551616", "$.run.seed", "18446744073709551616 is not allowed: must be a whole number from 0 to 9223372036854775807")]
    [InlineData("\"blocks\": 1e12, \"seed\": 3", "$.run.blocks", "1e12 is not allowed: must be a whole number from 1 to 1000000")]
    [InlineData("\"blocks\": \"1\", \"seed\": 3", "$.run.blocks", "must be a whole number from 1 to 1000000, got the string \"1\"")]
    public void Range_errors_say_the_range(string run, string path, string expected)
    {
        var e = Single(Valid.Replace("\"blocks\": 1, \"seed\": 3", run));
        Assert.Equal(path, e.JsonPath);
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Whole_numbers_with_an_exponent_are_whole() =>
        Assert.Equal(1000UL, ScenarioLoader.Parse(Valid.Replace("\"seed\": 3", "\"seed\": 1e3"), "s.json").Run.Seed);

    [Theory]
    [InlineData("1e12")]
    [InlineData("2147483653")]
    public void Counts_over_the_range_say_the_range(string n)
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "huxley-particles.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        node["parameters"]!["N"] = System.Text.Json.Nodes.JsonValue.Create(double.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
        var e = Single(node.ToJsonString());
        Assert.Equal("$.parameters.N", e.JsonPath);
        Assert.EndsWith("must be a whole number from 1 to 2147483647", e.Message);
    }
}
