namespace Dstack.Tasks.Tests;

[Trait("Category", "Fast")]
public sealed class ConfigurationChoiceTests
{
    private const string Task = "type: task\ncommands:\n  - echo hi\n";

    [Fact]
    public void TryChoose_ExplicitRelativeFile_IsResolvedAgainstTheProject()
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", Task);
        var chosen = project.Write("sub/train.dstack.yml", Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, " sub/../sub/train.dstack.yml ", [".dstack.yml"], out var path, out var problem), problem);

        Assert.Equal(chosen, path);
    }

    [Fact]
    public void TryChoose_ExplicitAbsoluteFile_IsTakenAsIs()
    {
        using var project = new TempFolder();
        using var elsewhere = new TempFolder();
        project.Write(".dstack.yml", Task);
        var chosen = elsewhere.Write("other.yml", Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, chosen, [], out var path, out var problem), problem);

        Assert.Equal(chosen, path);
    }

    [Fact]
    public void TryChoose_ExplicitFileMissing_FailsNamingTheValueAndTheResolvedPath()
    {
        using var project = new TempFolder();
        project.Write(".dstack.yml", Task);

        Assert.False(ConfigurationChoice.TryChoose(project.Path, "gone/x.dstack.yml", [".dstack.yml"], out var path, out var problem));

        Assert.Null(path);
        Assert.Contains("DstackConfigurationFile is 'gone/x.dstack.yml'", problem, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(project.Path, "gone", "x.dstack.yml") + " does not exist", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryChoose_ProjectDstackYml_WinsOverTheOtherConfigurations()
    {
        using var project = new TempFolder();
        var standard = project.Write(".dstack.yml", Task);
        project.Write(".dstack.yaml", Task);
        project.Write("a.dstack.yml", Task);
        project.Write("b.dstack.yml", Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, "", ["a.dstack.yml", "b.dstack.yml", ".dstack.yaml"], out var path, out var problem), problem);

        Assert.Equal(standard, path);
    }

    [Fact]
    public void TryChoose_ProjectDstackYaml_WinsOverTheOtherConfigurations()
    {
        using var project = new TempFolder();
        var standard = project.Write(".dstack.yaml", Task);
        project.Write("a.dstack.yml", Task);
        project.Write("b.dstack.yml", Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, null, ["a.dstack.yml", "b.dstack.yml"], out var path, out var problem), problem);

        Assert.Equal(standard, path);
    }

    [Theory]
    [InlineData("sub/train.dstack.yml")]
    [InlineData("sub/TRAIN.DSTACK.YAML")]
    public void TryChoose_SingleCandidate_IsChosen(string candidate)
    {
        using var project = new TempFolder();
        var only = project.Write(candidate, Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, "  ", [".dstack/profiles.yml", "notes.yml", candidate], out var path, out var problem), problem);

        Assert.Equal(only, path);
    }

    [Fact]
    public void TryChoose_SameCandidateWrittenThreeWays_CountsOnce()
    {
        using var project = new TempFolder();
        var only = project.Write("sub/a.dstack.yml", Task);

        Assert.True(ConfigurationChoice.TryChoose(project.Path, "", ["sub/a.dstack.yml", "./sub/../sub/a.dstack.yml", only], out var path, out var problem), problem);

        Assert.Equal(only, path);
    }

    [Fact]
    public void TryChoose_OnlyAProfilesFile_FailsSayingHowToFix()
    {
        using var project = new TempFolder();
        project.Write(".dstack/profiles.yml", "profiles:\n  - name: dev\n");

        Assert.False(ConfigurationChoice.TryChoose(project.Path, "", [".dstack/profiles.yml"], out var path, out var problem));

        Assert.Null(path);
        Assert.Equal(
            $"The project has no configuration to run: add a .dstack.yml to {project.Path}, or set DstackConfigurationFile to the one to run.",
            problem);
    }

    [Fact]
    public void TryChoose_NoCandidates_FailsSayingHowToFix()
    {
        using var project = new TempFolder();

        Assert.False(ConfigurationChoice.TryChoose(project.Path, null, [], out _, out var problem));

        Assert.Contains("add a .dstack.yml to " + project.Path, problem, StringComparison.Ordinal);
        Assert.Contains("set DstackConfigurationFile", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryChoose_SeveralCandidates_FailsListingThemSortedAndSuggestingTheFirst()
    {
        using var project = new TempFolder();
        foreach (var name in (string[])["z/b.dstack.yml", "m.dstack.yml", "a.dstack.yaml"])
        {
            project.Write(name, Task);
        }

        Assert.False(ConfigurationChoice.TryChoose(
            project.Path, "", ["z/b.dstack.yml", "m.dstack.yml", ".dstack/profiles.yml", "a.dstack.yaml", "./m.dstack.yml"], out var path, out var problem));

        Assert.Null(path);
        Assert.Equal(
            $"The project has 3 configurations and none is chosen: a.dstack.yaml, m.dstack.yml, {Path.Combine("z", "b.dstack.yml")}. "
                + "Choose one with -p:DstackConfigurationFile=a.dstack.yaml (or set it in the project file).",
            problem);
    }
}
