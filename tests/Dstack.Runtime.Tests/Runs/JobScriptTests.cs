using Dstack.Runtime.Resources;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

public sealed class JobScriptTests
{
    [Fact]
    public void Build_Commands_AreTrimmedAndJoinedWithAnd()
    {
        Assert.Equal("pip install -r r.txt && python train.py", JobScript.Build(["  pip install -r r.txt ", "python train.py"], []));
    }

    [Fact]
    public void Build_BackgroundCommand_IsWrappedInBraces()
    {
        Assert.Equal("{ python -m http.server & } && sleep 1", JobScript.Build(["python -m http.server &", "sleep 1"], []));
    }

    [Fact]
    public void Build_RunArgs_KeepEachArgumentWhole()
    {
        var script = JobScript.Build(["printf '%s\\0' ${{ run.args }}"], ["--prompt", "Dogs in hats", "it's"]);

        var received = ShellQuoteTests.RunBash(script);

        Assert.Equal(["--prompt", "Dogs in hats", "it's"], received.Split('\0')[..^1]);
    }

    [Fact]
    public void Build_NoRunArgs_ReferenceBecomesEmpty()
    {
        Assert.Equal("python train.py", JobScript.Build(["python train.py ${{ run.args }}"], []));
    }

    [Fact]
    public void Build_DoubleDollar_BecomesOneAndEscapesReferences()
    {
        Assert.Equal("echo $HOME ${{ run.args }}", JobScript.Build(["echo $$HOME $${{ run.args }}"], ["x"]));
    }

    [Fact]
    public void Build_SecretsReference_IsLeftForTheServer()
    {
        Assert.Equal("echo ${{ secrets.TOKEN }}", JobScript.Build(["echo ${{ secrets.TOKEN }}"], []));
    }

    [Fact]
    public void Build_UnknownReference_Throws()
    {
        var error = Assert.Throws<ValueException>(() => JobScript.Build(["echo ${{ env.X }}"], []));

        Assert.Contains("Failed to interpolate due to missing vars: ['env.X']", error.Issue.Message, StringComparison.Ordinal);
    }
}
