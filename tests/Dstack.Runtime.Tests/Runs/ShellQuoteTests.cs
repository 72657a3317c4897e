using System.Diagnostics;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

public sealed class ShellQuoteTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("--epochs=3", "--epochs=3")]
    [InlineData("Dogs in hats", "'Dogs in hats'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("$HOME", "'$HOME'")]
    public void Quote_Value_GivesOneShellWord(string value, string expected) => Assert.Equal(expected, ShellQuote.Quote(value));

    // The real check: bash must see exactly the original arguments, whatever they hold.
    [Fact]
    public void Join_TrickyArguments_ReachBashIntact()
    {
        string[] args = ["--prompt", "Dogs in hats", "it's \"quoted\"", "$HOME `id` $(id)", "a\nb", "*", "", "tab\there", "ünïcödé"];

        var received = RunBash($"printf '%s\\0' {ShellQuote.Join(args)}");

        Assert.Equal(args, received.Split('\0')[..^1]);
    }

    internal static string RunBash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        return output;
    }
}
