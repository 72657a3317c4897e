using Dstack.Runtime.Python;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Tests.Runs.Environment;

namespace Dstack.Runtime.Tests.Python;

public sealed class PythonInterpreterTests : IDisposable
{
    private readonly FakePrograms _fakes = new();

    [Fact]
    public void Find_ExactName_IsFoundWithItsVersion()
    {
        var bin = _fakes.Folder("bin");
        var python = FakePrograms.Python(bin, "python3.10", "3.10.4");

        var lookup = PythonInterpreter.Find("3.10", bin);

        Assert.True(lookup.IsFound);
        Assert.Equal(python, lookup.Executable);
        Assert.Equal("3.10.4", lookup.Version);
    }

    [Fact]
    public void Find_GenericPython3OfTheRightVersion_IsFound()
    {
        var bin = _fakes.Folder("bin");
        var python = FakePrograms.Python(bin, "python3", "3.10.4");

        Assert.Equal(python, PythonInterpreter.Find("3.10", bin).Executable);
    }

    [Fact]
    public void Find_ExactNameLaterOnPath_WinsOverGenericNameEarlier()
    {
        var first = _fakes.Folder("first");
        var second = _fakes.Folder("second");
        FakePrograms.Python(first, "python3", "3.10.1");
        var exact = FakePrograms.Python(second, "python3.10", "3.10.4");

        var lookup = PythonInterpreter.Find("3.10", $"{first}:{second}");

        Assert.Equal(exact, lookup.Executable);
        Assert.Equal("3.10.4", lookup.Version);
    }

    [Fact]
    public void Find_GenericNamesInPathOrder_TheFirstMatchWins()
    {
        var first = _fakes.Folder("first");
        var second = _fakes.Folder("second");
        FakePrograms.Python(first, "python3", "3.12.0");
        var match = FakePrograms.Python(second, "python3", "3.11.9");

        var lookup = PythonInterpreter.Find("3.11", $"{first}:{second}");

        Assert.Equal(match, lookup.Executable);
        Assert.Equal([(Path.Combine(first, "python3"), "3.12.0"), (match, "3.11.9")], lookup.Found);
    }

    [Theory]
    [InlineData("3.1", "3.11.2", false)]
    [InlineData("3.11", "3.11.2", true)]
    [InlineData("3.11.2", "3.11.2", true)]
    [InlineData("3.11.1", "3.11.2", false)]
    [InlineData("3.13", "3.13.0rc1", true)]
    public void Find_Version_MatchesWholeParts(string requested, string installed, bool expected)
    {
        var bin = _fakes.Folder("bin");
        FakePrograms.Python(bin, "python3", installed);

        Assert.Equal(expected, PythonInterpreter.Find(requested, bin).IsFound);
    }

    [Fact]
    public void Find_NoMatch_ListsWhatWasFoundInTheError()
    {
        var bin = _fakes.Folder("bin");
        var python = FakePrograms.Python(bin, "python3.11", "3.11.2");

        var lookup = PythonInterpreter.Find("3.10", bin);

        Assert.False(lookup.IsFound);
        Assert.Null(lookup.Executable);
        Assert.Equal(string.Empty, lookup.Version);
        Assert.Equal([(python, "3.11.2")], lookup.Found);
        Assert.Equal(
            $"python: \"3.10\" was requested, but this machine has no Python 3.10 (found: Python 3.11.2 at {python}). " +
            "Install Python 3.10, change python: to \"3.11\", or remove python: to use the machine's default",
            lookup.ErrorMessage("3.10"));
    }

    [Fact]
    public void ErrorMessage_NothingFound_SaysSoAndOffersNoOtherVersion()
    {
        var lookup = PythonInterpreter.Find("3.10", _fakes.Folder("empty"));

        Assert.Empty(lookup.Found);
        Assert.Equal(
            "python: \"3.10\" was requested, but this machine has no Python 3.10 (no python3.10, python3 or python on PATH). " +
            "Install Python 3.10 or remove python: to use the machine's default",
            lookup.ErrorMessage("3.10"));
        Assert.Equal(Dstack.Runtime.Diagnostics.DiagnosticCodes.NoMatchingPython, lookup.ToDiagnostic("3.10", "t.dstack.yml", default).Code);
    }

    [Fact]
    public void Find_BrokenCandidates_AreSkipped()
    {
        var bin = _fakes.Folder("bin");
        FakePrograms.Script(bin, "python3.10", "exit 1");
        FakePrograms.Script(bin, "python3", "echo 'not a version'");
        File.WriteAllText(Path.Combine(bin, "python"), "#!/bin/sh\necho 'Python 3.10.4'\n");

        var lookup = PythonInterpreter.Find("3.10", bin);

        Assert.False(lookup.IsFound);
        Assert.Empty(lookup.Found);
    }

    [Fact]
    public void Find_OneProgramUnderSeveralNames_RunsOnceAndIsListedOnce()
    {
        var bin = _fakes.Folder("bin");
        var real = FakePrograms.Python(bin, "python3.12", "3.12.1");
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), real);
        File.CreateSymbolicLink(Path.Combine(bin, "python"), "python3.12");

        var lookup = PythonInterpreter.Find("3.10", bin);

        Assert.Equal([(Path.Combine(bin, "python3"), "3.12.1")], lookup.Found);
        Assert.Single(File.ReadAllLines(real + ".calls"));
    }

    [Fact]
    public void Find_RelativeOrMissingPathEntries_AreIgnored()
    {
        var bin = _fakes.Folder("bin");
        var python = FakePrograms.Python(bin, "python3", "3.10.4");

        Assert.Equal(python, PythonInterpreter.Find("3.10", $"::relative/bin:/no/such/dir:{bin}").Executable);
        Assert.False(PythonInterpreter.Find("3.10", null).IsFound);
    }

    // The real machine: whatever python3 the PATH has must be reported with the version it prints itself.
    [Fact]
    public void Find_RealMachinePath_ReportsTheVersionPython3Prints()
    {
        var path = System.Environment.GetEnvironmentVariable("PATH");
        var printed = PythonInterpreter.ParseVersion(ProgramOutput.TryRun("python3", ["--version"], TimeSpan.FromSeconds(10)));
        if (printed is null)
        {
            Assert.DoesNotContain(PythonInterpreter.Find("3", path).Found, f => Path.GetFileName(f.Path) == "python3");
            return;
        }

        var majorMinor = string.Join('.', printed.Split('.')[..2]);
        var lookup = PythonInterpreter.Find(majorMinor, path);

        Assert.True(lookup.IsFound, lookup.ErrorMessage(majorMinor));
        Assert.StartsWith(majorMinor + ".", lookup.Version, StringComparison.Ordinal);
        var itself = PythonInterpreter.ParseVersion(ProgramOutput.TryRun(lookup.Executable!, ["--version"], TimeSpan.FromSeconds(10)));
        Assert.Equal(itself, lookup.Version);
    }

    [Fact]
    public void CreateShimFolder_Links_ResolveToTheInterpreterAndRunIt()
    {
        var python = FakePrograms.Python(_fakes.Folder("bin"), "python3.10", "3.10.4");
        var shims = Path.Combine(_fakes.Root, "shims");

        Assert.Equal(shims, PythonInterpreter.CreateShimFolder(python, shims));

        foreach (var name in new[] { "python", "python3", "python3.10" })
        {
            var link = Path.Combine(shims, name);
            Assert.Equal(python, new FileInfo(link).LinkTarget);
            Assert.Equal("Python 3.10.4\n", ProgramOutput.TryRun(link, ["--version"], TimeSpan.FromSeconds(10)));
        }

        var lookup = PythonInterpreter.Find("3.10", shims);
        Assert.Equal(Path.Combine(shims, "python3.10"), lookup.Executable);
    }

    [Fact]
    public void CreateShimFolder_Pip_RunsThePipModuleOfTheInterpreter()
    {
        var python = FakePrograms.Python(_fakes.Folder("bin"), "python3", "3.10.4");
        var shims = PythonInterpreter.CreateShimFolder(python, Path.Combine(_fakes.Root, "shims"));

        // Run through sh rather than exec: the script was just written by this process (see FakePrograms.Script).
        var output = ProgramOutput.TryRun("/bin/sh", [Path.Combine(shims, "pip"), "install", "torch==2.3"], TimeSpan.FromSeconds(10));

        Assert.Equal("args: -m pip install torch==2.3\n", output);
        Assert.True(File.Exists(Path.Combine(shims, "python3.10")), "the version was read by running the interpreter");
    }

    [Fact]
    public void CreateShimFolder_Again_ReplacesTheLinks()
    {
        var bin = _fakes.Folder("bin");
        var old = FakePrograms.Python(bin, "python3.10", "3.10.4");
        var chosen = FakePrograms.Python(bin, "python3.11", "3.11.2");
        var shims = Path.Combine(_fakes.Root, "shims");

        PythonInterpreter.CreateShimFolder(old, shims);
        PythonInterpreter.CreateShimFolder(chosen, shims);

        Assert.Equal(chosen, new FileInfo(Path.Combine(shims, "python")).LinkTarget);
        Assert.Equal(chosen, new FileInfo(Path.Combine(shims, "python3.11")).LinkTarget);
    }

    public void Dispose() => _fakes.Dispose();
}
