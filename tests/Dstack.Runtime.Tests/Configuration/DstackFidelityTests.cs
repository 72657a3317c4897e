using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Profiles;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

/// <summary>
/// Values that dstack 0.18.44's own parser (PyYAML + pydantic v1) reads in a way that is easy to get wrong: each case
/// is what that parser gives, checked on the normalized JSON, or the diagnostic (code, place, message) that says so.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DstackFidelityTests
{
    private const string Task = "type: task\ncommands: [a]\n";

    // gpu: dstack reads the YAML 1.1 integer, then parses str() of it, as for every other number.
    [Theory]
    [InlineData("010", 8)]
    [InlineData("0x2", 2)]
    [InlineData("0b11", 3)]
    [InlineData("1_0", 10)]
    [InlineData("2", 2)]
    [InlineData("\"010\"", 10)]
    public void Gpu_YamlInteger_IsTheCountYamlReads(string written, int count)
    {
        var json = JsonAt(Task + $"resources:\n  gpu: {written}\n", "resources", "gpu", "count");

        Assert.Equal($"{{\"min\":{count},\"max\":{count}}}", json);
    }

    [Fact]
    public void Gpu_NegativeHexInteger_IsANegativeCountOverTheWholeValue()
    {
        var error = Error(Task + "resources:\n  gpu: -0x1\n", DiagnosticCodes.SuspiciousNumber, 4, 8, 12);

        Mentions(error, "`-1` is a negative count");
    }

    // pydantic v1 reads a float where it wants an integer as int(x): 4.0 is 4.
    [Theory]
    [InlineData("resources:\n  cpu: 4.0\n", new[] { "resources", "cpu" }, "{\"min\":4,\"max\":4}")]
    [InlineData("resources:\n  cpu: {min: 2.0}\n", new[] { "resources", "cpu" }, "{\"min\":2,\"max\":null}")]
    [InlineData("resources:\n  gpu: {count: 2.0}\n", new[] { "resources", "gpu", "count" }, "{\"min\":2,\"max\":2}")]
    [InlineData("nodes: 2.0\n", new[] { "nodes" }, "2")]
    [InlineData("resources:\n  gpu: {compute_capability: 7.5}\n", new[] { "resources", "gpu", "compute_capability" }, "[7,5]")]
    [InlineData("stop_duration: false\n", new[] { "stop_duration" }, "\"off\"")]
    [InlineData("stop_duration: no\n", new[] { "stop_duration" }, "\"off\"")]
    [InlineData("stop_duration: true\n", new[] { "stop_duration" }, "null")]
    [InlineData("stop_duration: 30s\n", new[] { "stop_duration" }, "30")]
    [InlineData("retry_policy: {duration: 2h}\n", new[] { "retry_policy" }, "{\"retry\":true,\"duration\":7200}")]
    [InlineData("retry_policy: {retry: false, duration: 1h}\n", new[] { "retry_policy" }, "{\"retry\":true,\"duration\":3600}")]
    [InlineData("retry_policy: {retry: true}\n", new[] { "retry_policy" }, "{\"retry\":true,\"duration\":null}")]
    [InlineData("retry_policy: {retry: false}\n", new[] { "retry_policy" }, "{\"retry\":false,\"duration\":null}")]
    [InlineData("python: 3.10\n", new[] { "python" }, "\"3.10\"")]
    [InlineData("python: 3.1\n", new[] { "python" }, "\"3.10\"")]
    [InlineData("python: 3.100\n", new[] { "python" }, "\"3.10\"")]
    [InlineData("python: 3.90\n", new[] { "python" }, "\"3.9\"")]
    [InlineData("python: \"3.10\"\n", new[] { "python" }, "\"3.10\"")]
    [InlineData("python: '3.12'\n", new[] { "python" }, "\"3.12\"")]
    [InlineData("privileged: true\n", new[] { "privileged" }, "true")]
    public void Value_AsDstackReadsIt_IsNormalized(string lines, string[] path, string expectedJson)
    {
        Assert.Equal(expectedJson, JsonAt(Task + lines, path));
    }

    [Theory]
    [InlineData("termination_policy: dont-destroy\n", "\"dont-destroy\"")]
    [InlineData("termination_policy: destroy-after-idle\n", "\"destroy-after-idle\"")]
    public void TerminationPolicy_KnownValue_IsKeptWithTheDeprecationWarning(string line, string expectedJson)
    {
        var document = Valid(Task + line);

        Assert.Equal(DiagnosticCodes.DeprecatedProperty, Assert.Single(document.Diagnostics).Code);
        Assert.Equal(expectedJson, JsonAt(Task + line, "termination_policy"));
    }

    // Each error on line 3; the message says what dstack does and what to write.
    [Theory]
    [InlineData("resources: {cpu: 4.5}", DiagnosticCodes.SuspiciousNumber, 18, 21, "`4.5` is not a whole number; dstack would silently truncate it to 4: write 4 or 5")]
    [InlineData("resources: {cpu: .inf}", DiagnosticCodes.InvalidInteger, 18, 22, "`.inf` is not a whole number (value is not a valid integer)")]
    [InlineData("nodes: 1.5", DiagnosticCodes.SuspiciousNumber, 8, 11, "dstack would silently truncate it to 1: write 1 or 2")]
    [InlineData("resources: {gpu: {compute_capability: 7}}", DiagnosticCodes.InvalidComputeCapability, 39, 40, "Invalid compute capability: 7 (YAML reads it as an integer, which dstack rejects); write MAJOR.MINOR, such as 7.0")]
    [InlineData("resources: {gpu: {compute_capability: 0x8}}", DiagnosticCodes.InvalidComputeCapability, 39, 42, "Invalid compute capability: 0x8")]
    [InlineData("python: \"3.1\"", DiagnosticCodes.InvalidPython, 9, 14, "Python \"3.1\" is not supported: '3.1' is not a valid PythonVersion; only the unquoted number 3.1 means 3.10; write \"3.10\"")]
    [InlineData("python: \"3.10 \"", DiagnosticCodes.InvalidPython, 9, 16, "'3.10 ' is not a valid PythonVersion; remove the spaces: write \"3.10\"")]
    [InlineData("python: 3.8", DiagnosticCodes.InvalidPython, 9, 12, "Python 3.8 is not supported")]
    [InlineData("privileged: null", DiagnosticCodes.NullNotAllowed, 13, 17, "privileged: cannot be empty or null; remove the line to use the default (false)")]
    [InlineData("privileged: ~", DiagnosticCodes.NullNotAllowed, 13, 14, "privileged: cannot be empty or null")]
    [InlineData("termination_policy: destroy", DiagnosticCodes.InvalidEnumValue, 21, 28, "`destroy` is not one of dont-destroy, destroy-after-idle")]
    public void Value_DstackRejects_IsAnErrorAtTheValue(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(Task + line + "\n", code, 3, column, endColumn);

        Mentions(error, message);
    }

    [Fact]
    public void ComputeCapability_YamlFloat_WarnsWithTheNumberYamlReads()
    {
        var warning = Warning(Task + "resources: {gpu: {compute_capability: 7.10}}\n", DiagnosticCodes.Yaml11Trap, 3, 39, 43);

        Mentions(warning, "YAML reads `7.10` as the number 7.1, so this means 7.1");
        Assert.Equal("[7,1]", JsonAt(Task + "resources: {gpu: {compute_capability: 7.10}}\n", "resources", "gpu", "compute_capability"));
    }

    [Fact]
    public void RetryPolicy_DurationAlone_RetriesEveryEventForThatLong()
    {
        var configuration = (RunConfiguration)Valid(Task + "retry_policy: {duration: 2h}\n").Model!;

        var retry = ProfileResolver.Merge(configuration, new Profile { Name = "default" }).Retry!;

        Assert.Equal([RetryEvent.NoCapacity, RetryEvent.Interruption, RetryEvent.Error], retry.OnEvents);
        Assert.Equal(new Duration(7200), retry.Duration);
    }

    // dstack substitutes references in `commands` and `setup` only; a dev environment's `init` is left as written.
    [Theory]
    [InlineData("init:\n  - echo ${{ run.args }}\n")]
    [InlineData("init:\n  - echo ${{ secret.x }} $$\n")]
    [InlineData("init:\n  - echo ${{ unclosed\n")]
    public void DevEnvironmentInit_References_AreNotChecked(string lines)
    {
        Clean("type: dev-environment\nide: vscode\n" + lines);
    }

    [Fact]
    public void DevEnvironmentSetup_References_AreStillChecked()
    {
        var document = Load("type: dev-environment\nide: vscode\nsetup:\n  - echo ${{ foo.bar }}\n");

        var error = Single(document, DiagnosticCodes.UnknownReference);
        At(error, 4, 10, 4, 24);
    }

    /// <summary>The raw JSON of the normalized configuration at <paramref name="path"/>.</summary>
    internal static string JsonAt(string yaml, params string[] path)
    {
        var document = Valid(yaml);
        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));
        var element = json.RootElement;
        foreach (var key in path)
        {
            element = element.GetProperty(key);
        }

        return element.GetRawText();
    }
}
