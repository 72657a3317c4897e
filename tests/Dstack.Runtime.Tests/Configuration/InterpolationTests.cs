using Dstack.Runtime.Configuration.Rules;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class InterpolationTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyCollection<string>> RunArgs =
        new Dictionary<string, IReadOnlyCollection<string>> { ["run"] = ["args"] };

    private static readonly Dictionary<string, string> Values = new() { ["run.args"] = "--epochs 3", ["env.USER"] = "me" };

    [Theory]
    [InlineData("python train.py ${{ run.args }}")]
    [InlineData("${{run.args}}")]
    [InlineData("${{   run.args   }}")]
    [InlineData("echo $${{ x.y }}")]
    [InlineData("echo ${{ secrets.TOKEN }}")]
    [InlineData("echo ${{ secrets.a.b }}")]
    [InlineData("echo ${HOME} $HOME $$ $")]
    [InlineData("")]
    [InlineData("$$$${{ run.x }}")]
    [InlineData("no references at all")]
    public void Check_ValidText_HasNoIssues(string text)
    {
        Assert.Empty(Interpolation.Check(text, RunArgs));
    }

    [Theory]
    [InlineData("${{ foo }}", DiagnosticCodes.InvalidInterpolation, "Illegal reference name: foo", 0, 10)]
    [InlineData("x ${{ a.b.c }} y", DiagnosticCodes.UnknownReference, "Failed to interpolate due to missing vars: ['a.b.c']", 2, 12)]
    [InlineData("${{ 1a.b }}", DiagnosticCodes.InvalidInterpolation, "Illegal reference name: 1a.b", 0, 11)]
    [InlineData("${{ a.1b }}", DiagnosticCodes.InvalidInterpolation, "Illegal reference name: a.1b", 0, 11)]
    [InlineData("${{ a-b.c }}", DiagnosticCodes.InvalidInterpolation, "Illegal reference name: a-b.c", 0, 12)]
    [InlineData("${{ }}", DiagnosticCodes.InvalidInterpolation, "Illegal reference name: ", 0, 6)]
    [InlineData("echo ${{ run.args", DiagnosticCodes.InvalidInterpolation, "No pattern closing: ${{ run.args", 5, 12)]
    [InlineData("${{ env.FOO }}", DiagnosticCodes.UnknownReference, "Failed to interpolate due to missing vars: ['env.FOO']", 0, 14)]
    [InlineData("${{ run.arg }}", DiagnosticCodes.UnknownReference, "did you mean `run.args`?", 0, 14)]
    [InlineData("$$$$${{ run.x }}", DiagnosticCodes.UnknownReference, "['run.x']", 4, 12)]
    public void Check_BadReference_GivesDstackMessageAndPosition(string text, string code, string message, int offset, int length)
    {
        var issue = Assert.Single(Interpolation.Check(text, RunArgs));

        Assert.Equal(code, issue.Code);
        Assert.Equal(DiagnosticSeverity.Error, issue.Severity);
        Assert.Contains(message, issue.Message, StringComparison.Ordinal);
        Assert.Equal((offset, length), (issue.Offset, issue.Length));
    }

    [Fact]
    public void Check_SeveralBadReferences_ReportsEach()
    {
        Assert.Equal(2, Interpolation.Check("${{ a.b }} ${{ c.d }}", RunArgs).Count);
    }

    [Theory]
    [InlineData("python train.py ${{ run.args }}", "python train.py --epochs 3")]
    [InlineData("${{run.args}}!", "--epochs 3!")]
    [InlineData("user=${{ env.USER }}", "user=me")]
    [InlineData("echo $${{ x.y }}", "echo ${{ x.y }}")]
    [InlineData("echo $$HOME", "echo $HOME")]
    [InlineData("echo ${HOME} $HOME", "echo ${HOME} $HOME")]
    [InlineData("token ${{ secrets.T }}", "token ${{ secrets.T }}")]
    [InlineData("a $", "a $")]
    public void Substitute_KnownReferences_AreReplacedAndDollarsUnescaped(string text, string expected)
    {
        Assert.Equal(expected, Interpolation.Substitute(text, Values));
    }

    [Theory]
    [InlineData("${{ env.NOPE }}", "Failed to interpolate due to missing vars: ['env.NOPE']")]
    [InlineData("${{ bad }}", "Illegal reference name: bad")]
    [InlineData("${{ run.args", "No pattern closing")]
    public void Substitute_BadReference_Throws(string text, string message)
    {
        var error = Assert.Throws<ValueException>(() => Interpolation.Substitute(text, Values));

        Assert.Contains(message, error.Issue.Message, StringComparison.Ordinal);
    }
}
