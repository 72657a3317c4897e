using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Configuration.Profiles;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class ProfileResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-profiles-").FullName;

    private string Repo => Path.Combine(_root, "repo");

    private string Home => Path.Combine(_root, "home");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Select_NoRequest_TakesFirstDefaultOfRepositoryFile()
    {
        Write(Path.Combine(Repo, ".dstack", "profiles.yml"), "profiles:\n  - name: cheap\n    max_price: 0.5\n  - name: gpu\n    default: true\n    spot_policy: auto\n  - name: other\n    default: true\n");
        Write(Path.Combine(Home, "profiles.yml"), "profiles:\n  - name: global\n    default: true\n");

        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), requested: null);

        Assert.True(selection.IsValid);
        Assert.Equal("gpu", selection.Profile.Name);
        Assert.Equal(SpotPolicy.Auto, selection.Profile.SpotPolicy);
        Assert.EndsWith(Path.Combine(".dstack", "profiles.yml"), selection.SourcePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NameOnlyInGlobalFile_TakesGlobalProfileWhole()
    {
        Write(Path.Combine(Repo, ".dstack", "profiles.yml"), "profiles:\n  - name: local\n    backends: [local]\n");
        Write(Path.Combine(Home, "profiles.yml"), "profiles:\n  - name: cloud\n    regions: [us-east-1]\n");

        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), "cloud");

        Assert.Equal("cloud", selection.Profile.Name);
        Assert.Equal(["us-east-1"], selection.Profile.Regions);
        Assert.Null(selection.Profile.Backends);
    }

    [Fact]
    public void Select_SameNameInBothFiles_RepositoryWinsWithoutMerging()
    {
        Write(Path.Combine(Repo, ".dstack", "profiles.yml"), "profiles:\n  - name: p\n    max_price: 1\n");
        Write(Path.Combine(Home, "profiles.yml"), "profiles:\n  - name: p\n    max_price: 2\n    regions: [eu]\n");

        var profile = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), "p").Profile;

        Assert.Equal(1.0, profile.MaxPrice);
        Assert.Null(profile.Regions);
    }

    [Fact]
    public void Select_UnknownName_ReportsNoSuchProfileWithSuggestion()
    {
        Write(Path.Combine(Repo, ".dstack", "profiles.yml"), "profiles:\n  - name: large-gpu\n");

        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), "large-gpus");

        var error = Assert.Single(selection.Diagnostics);
        Assert.Equal(DiagnosticCodes.UnknownProfile, error.Code);
        Assert.Contains("No such profile: large-gpus", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean `large-gpu`?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NoFilesNoRequest_GivesEmptyDefaultProfile()
    {
        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), requested: null);

        Assert.True(selection.IsValid);
        Assert.Equal("default", selection.Profile.Name);
        Assert.Null(selection.SourcePath);
    }

    [Fact]
    public void Select_BrokenProfilesFile_ReturnsItsDiagnosticsWithPosition()
    {
        Write(Path.Combine(Repo, ".dstack", "profiles.yml"), "profiles:\n  - name: p\n    spot_policy: sometimes\n");

        var selection = ProfileResolver.Select(ProfileResolver.ProfileFiles(Repo, Home), "p");

        var error = Assert.Single(selection.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.InvalidEnumValue, error.Code);
        Assert.Equal((3, 18), (error.Span.StartLine, error.Span.StartColumn));
    }

    [Fact]
    public void Merge_ConfigurationValuesWinOverProfile_ProfileFillsTheRest()
    {
        var profile = new Profile { Name = "p", MaxPrice = 2, Regions = ["eu"], SpotPolicy = SpotPolicy.Spot };
        var configuration = (RunConfiguration)ConfigurationLoader.LoadText("a.dstack.yml", "type: task\ncommands: [x]\nmax_price: 0.75\nspot_policy: on-demand\n").Model!;

        var merged = ProfileResolver.Merge(configuration, profile);

        Assert.Equal(0.75, merged.MaxPrice);
        Assert.Equal(SpotPolicy.OnDemand, merged.SpotPolicy);
        Assert.Equal(["eu"], merged.Regions);
        Assert.Equal(CreationPolicy.ReuseOrCreate, merged.CreationPolicy);
        Assert.Equal(2, profile.MaxPrice);
    }

    [Theory]
    [InlineData("retry_policy: {retry: true, duration: 2h}", 7200, 3)]
    [InlineData("retry_policy: {retry: true}", 3600, 3)]
    [InlineData("retry_policy: {retry: false}", null, 0)]
    [InlineData("retry: false", null, 0)]
    [InlineData("retry: {on_events: [error], duration: 10m}", 600, 1)]
    public void Merge_LegacyRetryPolicy_BecomesRetry(string line, int? seconds, int events)
    {
        var configuration = (RunConfiguration)ConfigurationLoader.LoadText("a.dstack.yml", $"type: task\ncommands: [x]\n{line}\n").Model!;

        var merged = ProfileResolver.Merge(configuration, new Profile { Name = "p", Retry = RetrySpec.AllEvents });

        Assert.Equal(events, merged.Retry!.OnEvents.Count);
        Assert.Equal(seconds, merged.Retry.Duration?.Seconds);
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
