using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Tests.Runs.Environment;

[Trait("Category", "Fast")]
public sealed class DotEnvFileTests
{
    [Theory]
    [InlineData("A=1", "1")]
    [InlineData("A=1\r\n", "1")]
    [InlineData("export A=1", "1")]
    [InlineData("export\tA=1", "1")]
    [InlineData("  A = spaced value  ", "spaced value")]
    [InlineData("A=", "")]
    [InlineData("A=   ", "")]
    [InlineData("A=x=y", "x=y")]
    [InlineData("A=value # comment", "value")]
    [InlineData("A=value\t# comment", "value")]
    [InlineData("A=value#not-a-comment", "value#not-a-comment")]
    [InlineData("A= # only a comment", "")]
    [InlineData("A=#starts-with-hash", "#starts-with-hash")]
    [InlineData("A=it's \"as is\"", "it's \"as is\"")]
    [InlineData("A='single $HOME \\n # kept'", "single $HOME \\n # kept")]
    [InlineData("A='with \"double\" inside'", "with \"double\" inside")]
    [InlineData("A=''", "")]
    [InlineData("A=\"\"", "")]
    [InlineData("A=\"tab\\there\"", "tab\there")]
    [InlineData("A=\"line\\nbreak\"", "line\nbreak")]
    [InlineData("A=\"cr\\r\"", "cr\r")]
    [InlineData("A=\"quote \\\" and backslash \\\\\"", "quote \" and backslash \\")]
    [InlineData("A=\"dollar \\$HOME\"", "dollar $HOME")]
    [InlineData("A=\"unknown \\q stays\"", "unknown \\q stays")]
    [InlineData("A=\"# not a comment\"", "# not a comment")]
    [InlineData("A=\"x\" # comment", "x")]
    [InlineData("A=\"x\"# comment", "x")]
    [InlineData("A=\"first\nsecond\"", "first\nsecond")]
    [InlineData("A='first\nsecond'", "first\nsecond")]
    [InlineData("A=\"crlf\r\nfile\"\r\n", "crlf\nfile")]
    [InlineData("\uFEFFA=bom", "bom")]
    [InlineData("exportA=1", null)]
    public void Parse_ValidLine_GivesValue(string text, string? expected)
    {
        var file = DotEnvFile.Parse(".env", text);

        Assert.Empty(file.Diagnostics);
        if (expected is null)
        {
            Assert.Equal("1", file.Values["exportA"]);
            return;
        }

        Assert.Equal(expected, Assert.Single(file.Values, v => v.Key == "A").Value);
    }

    [Fact]
    public void Parse_CommentsAndBlankLines_SetNothing()
    {
        var file = DotEnvFile.Parse(".env", "# comment\n\n   \n  # indented comment\nA=1\n\t\nB=2 # trailing\n");

        Assert.Empty(file.Diagnostics);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, file.Values);
    }

    [Fact]
    public void Parse_RepeatedKey_LaterWins()
    {
        Assert.Equal("2", DotEnvFile.Parse(".env", "A=1\nA=2\n").Values["A"]);
    }

    [Fact]
    public void Parse_MultiLineValue_NextLinesContinueAfterIt()
    {
        var file = DotEnvFile.Parse(".env", "KEY=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=after\n");

        Assert.Empty(file.Diagnostics);
        Assert.Equal("-----BEGIN-----\nabc\n-----END-----", file.Values["KEY"]);
        Assert.Equal("after", file.Values["NEXT"]);
    }

    [Theory]
    [InlineData("A=1\nNO_EQUALS\nB=2\n", 2, 1, 2, 10, "`NO_EQUALS` has no `=`: write NO_EQUALS=value, or NO_EQUALS= for an empty value")]
    [InlineData("A=1\nexport B\n", 2, 8, 2, 9, "`B` has no `=`")]
    [InlineData("export \n", 1, 1, 1, 7, "`export` has no `=`")]
    [InlineData("A=1\n  NAME # note\n", 2, 3, 2, 7, "`NAME` has no `=`")]
    [InlineData("=value\n", 1, 1, 1, 2, "the line has no name before `=`: write NAME=value")]
    [InlineData("MY-VAR=1\n", 1, 1, 1, 7, "`MY-VAR` is not a variable name (names start with a letter or _ and hold only letters, digits and _): write MY_VAR")]
    [InlineData("export 1A=1\n", 1, 8, 1, 10, "`1A` is not a variable name")]
    [InlineData("  A B=1\n", 1, 3, 1, 6, "`A B` is not a variable name")]
    [InlineData("A=\"unclosed\nB=2\n", 1, 3, 1, 4, "the value of `A` opens a \" quote that is never closed: add the closing \" at the end of the value")]
    [InlineData("A='unclosed\n", 1, 3, 1, 4, "opens a ' quote that is never closed")]
    [InlineData("A='x' trailing words \n", 1, 7, 1, 21, "`trailing words` follows the closing ' of `A`'s value: put it inside the quotes, or start a comment with ` #`")]
    [InlineData("A=\"x\nB=2\"y\n", 2, 5, 2, 6, "`y` follows the closing \" of `A`'s value (opened on line 1)")]
    [InlineData("A=1\r\nBAD\r\n", 2, 1, 2, 4, "`BAD` has no `=`")]
    [InlineData("\uFEFFBAD\n", 1, 1, 1, 4, "`BAD` has no `=`")]
    public void Parse_MalformedLine_GivesOneErrorAtTheProblem(string text, int line, int column, int endLine, int endColumn, string message)
    {
        var file = DotEnvFile.Parse("app/.env", text);

        var error = Assert.Single(file.Diagnostics);
        Assert.Equal(DiagnosticCodes.DotEnvSyntax, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("app/.env", error.Path);
        Assert.Equal((line, column, endLine, endColumn), (error.Span.StartLine, error.Span.StartColumn, error.Span.EndLine, error.Span.EndColumn));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedLines_AreSkippedAndTheRestIsRead()
    {
        var file = DotEnvFile.Parse(".env", "A=1\nBROKEN\nB=\"never closed\nC=3\n1X=4\nD=4\n");

        Assert.Equal(3, file.Diagnostics.Count);
        Assert.Equal([2, 3, 5], file.Diagnostics.Select(d => d.Span.StartLine));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3", ["D"] = "4" }, file.Values);
    }

    [Fact]
    public void Parse_Error_RendersInTheCanonicalForm()
    {
        var error = Assert.Single(DotEnvFile.Parse("/repo/.env", "A=1\nB C\n").Diagnostics);

        Assert.StartsWith("/repo/.env(2,1): error DSTK3015: `B` has no `=`", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("A=1\n".Length, error.Span.Start);
    }

    [Fact]
    public void Load_MissingFile_IsNull()
    {
        Assert.Null(DotEnvFile.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), ".env")));
    }

    [Fact]
    public void Load_ExistingFile_IsParsed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dotenv-{Guid.NewGuid():N}.env");
        File.WriteAllText(path, "HF_TOKEN=hf_abc\n");
        try
        {
            var file = DotEnvFile.Load(path);

            Assert.NotNull(file);
            Assert.Equal(path, file.FilePath);
            Assert.Equal("hf_abc", file.Values["HF_TOKEN"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_FolderNamedDotEnv_GivesAnErrorNotAnException()
    {
        var folder = Directory.CreateTempSubdirectory("dotenv-");
        try
        {
            var file = DotEnvFile.Load(folder.FullName);

            Assert.NotNull(file);
            Assert.Empty(file.Values);
            Assert.Equal(DiagnosticCodes.DotEnvSyntax, Assert.Single(file.Diagnostics).Code);
        }
        finally
        {
            folder.Delete();
        }
    }
}
