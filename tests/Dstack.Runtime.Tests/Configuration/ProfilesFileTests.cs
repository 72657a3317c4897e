using System.Text.Json;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class ProfilesFileTests
{
    private const string Path = ".dstack/profiles.yml";

    [Fact]
    public void Profiles_FullFile_ParsesEveryParameter()
    {
        var document = Clean(
            "profiles:\n" +
            "  - name: gpu\n" +
            "    default: true\n" +
            "    backends: [aws, gcp]\n" +
            "    regions: [us-east-1]\n" +
            "    spot_policy: auto\n" +
            "    max_price: 2.5\n" +
            "    max_duration: 2h\n" +
            "    retry:\n" +
            "      on_events: [no-capacity]\n" +
            "      duration: 30m\n" +
            "    creation_policy: reuse\n" +
            "    idle_duration: 10m\n" +
            "  - name: cpu\n" +
            "    backends: [local]\n",
            Path);

        Assert.Equal(ConfigurationKind.Profiles, document.Kind);
        var file = Assert.IsType<ProfilesFile>(document.Model);
        Assert.Equal(["gpu", "cpu"], file.Profiles.Select(p => p.Name));
        var gpu = file.Profiles[0];
        Assert.True(gpu.Default);
        Assert.Equal([BackendType.Aws, BackendType.Gcp], gpu.Backends);
        Assert.Equal(SpotPolicy.Auto, gpu.SpotPolicy);
        Assert.Equal(2.5, gpu.MaxPrice);
        Assert.Equal(new Duration(7200), gpu.MaxDuration);
        Assert.Equal([RetryEvent.NoCapacity], gpu.Retry!.OnEvents);
        Assert.Equal(new Duration(1800), gpu.Retry.Duration);
        Assert.Equal(CreationPolicy.Reuse, gpu.CreationPolicy);
        Assert.Equal(new Duration(600), gpu.IdleDuration);
        Assert.False(file.Profiles[1].Default);
    }

    [Theory]
    [InlineData(".dstack/profiles.yaml")]
    [InlineData("/home/user/.dstack/profiles.yml")]
    [InlineData("elsewhere.yml")]
    public void Profiles_AnyProfilesPath_IsAProfilesFile(string path)
    {
        var document = Clean("profiles:\n  - name: a\n", path);

        Assert.Equal(ConfigurationKind.Profiles, document.Kind);
        Assert.IsType<ProfilesFile>(document.Model);
    }

    [Fact]
    public void Profiles_NormalizedJson_HasEveryProfileParameter()
    {
        var document = Clean("profiles:\n  - name: a\n    max_duration: off\n", Path);

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        var profile = Assert.Single(json.RootElement.GetProperty("profiles").EnumerateArray());
        Assert.Equal("a", profile.GetProperty("name").GetString());
        Assert.Equal("off", profile.GetProperty("max_duration").GetString());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("spot_policy").ValueKind);
    }

    // Line 3 is "    KEY: VALUE" in the first profile.
    [Theory]
    [InlineData("    spot_policy: cheap", DiagnosticCodes.InvalidEnumValue, 18, 23, "is not one of spot, on-demand, auto")]
    [InlineData("    max_price: 0", DiagnosticCodes.InvalidPrice, 16, 17, "ensure this value is greater than 0")]
    [InlineData("    max_duration: 1h30m", DiagnosticCodes.InvalidDuration, 19, 24, "Cannot parse the duration 1h30m")]
    [InlineData("    backends: [aws, azur]", DiagnosticCodes.InvalidEnumValue, 21, 25, "did you mean `azure`?")]
    [InlineData("    retry: {on_events: []}", DiagnosticCodes.InvalidRetry, 24, 26, "`on_events` cannot be empty")]
    [InlineData("    resources: {gpu: A100}", DiagnosticCodes.UnknownProperty, 5, 14, "unknown property `profiles[0].resources`")]
    [InlineData("    commands: [a]", DiagnosticCodes.UnknownProperty, 5, 13, "unknown property `profiles[0].commands`")]
    [InlineData("    defualt: true", DiagnosticCodes.UnknownProperty, 5, 12, "did you mean `default`?")]
    [InlineData("    default: maybe", DiagnosticCodes.WrongType, 14, 19, "true or false")]
    public void Profiles_InvalidParameter_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error("profiles:\n  - name: gpu\n" + line + "\n", code, 3, column, endColumn, Path);

        Mentions(error, message);
    }

    [Fact]
    public void Profiles_ProfileWithoutName_IsMissingName()
    {
        var error = Error("profiles:\n  - default: true\n", DiagnosticCodes.MissingProperty, 2, 5, 5, Path);

        Mentions(error, "`name` is required");
    }

    [Theory]
    [InlineData("profiles: gpu\n", DiagnosticCodes.WrongType, 1, 11, 14)]
    [InlineData("profile:\n  - name: a\n", DiagnosticCodes.UnknownProperty, 1, 1, 8)]
    public void Profiles_WrongShape_IsReported(string yaml, string code, int line, int column, int endColumn)
    {
        var document = Load(yaml, Path);

        var error = Single(document, code);
        At(error, line, column, line, endColumn);
    }

    [Fact]
    public void Profiles_MissingProfilesKey_IsMissingProperty()
    {
        var document = Load("profile:\n  - name: a\n", Path);

        Mentions(Single(document, DiagnosticCodes.MissingProperty), "`profiles` is required");
    }

    [Fact]
    public void Profiles_EmptyFile_HintsAtProfiles()
    {
        var error = Error(string.Empty, DiagnosticCodes.EmptyDocument, 1, 1, 1, Path);

        Mentions(error, "start with `profiles:`");
    }

    [Fact]
    public void Profiles_DuplicateName_IsAWarningAtTheSecondName()
    {
        var warning = Warning("profiles:\n  - name: a\n  - name: a\n", DiagnosticCodes.InvalidProfile, 3, 11, 12, Path);

        Mentions(warning, "`a` is defined twice");
    }

    [Fact]
    public void Profiles_TwoDefaults_IsAWarningAtTheSecondDefault()
    {
        var warning = Warning("profiles:\n  - name: a\n    default: true\n  - name: b\n    default: true\n", DiagnosticCodes.InvalidProfile, 5, 14, 18, Path);

        Mentions(warning, "`a` is already the default");
    }

    [Fact]
    public void Profiles_DeprecatedPoolsEraParameter_IsAWarning()
    {
        var warning = Warning("profiles:\n  - name: a\n    pool_name: p\n", DiagnosticCodes.DeprecatedProperty, 3, 5, 14, Path);

        Mentions(warning, "`profiles[0].pool_name` is deprecated");
    }
}
