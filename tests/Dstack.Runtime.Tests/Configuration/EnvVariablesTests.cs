using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class EnvVariablesTests
{
    private const string Task = "type: task\ncommands: [a]\nenv:\n";

    [Theory]
    [InlineData("  - A=1\n  - B\n  - C=\n  - D=x=y\n", "{\"A\":\"1\",\"B\":null,\"C\":\"\",\"D\":\"x=y\"}")]
    [InlineData("  - _PRIVATE=1\n  - lower_case=2\n", "{\"_PRIVATE\":\"1\",\"lower_case\":\"2\"}")]
    [InlineData("  - HF_TOKEN\n", "{\"HF_TOKEN\":null}")]
    [InlineData("  - 'MSG=hello world'\n", "{\"MSG\":\"hello world\"}")]
    [InlineData("  A: 1\n  B:\n  C: null\n  D: ''\n  E: text\n", "{\"A\":\"1\",\"B\":null,\"C\":null,\"D\":\"\",\"E\":\"text\"}")]
    [InlineData("  PYTHON: 3.10\n", "{\"PYTHON\":\"3.10\"}")]
    [InlineData("  URL: http://x:80/a\n", "{\"URL\":\"http://x:80/a\"}")]
    public void Env_ListOrMapping_IsNameToValueOrNull(string body, string expectedJson)
    {
        var document = Clean(Task + body);

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(expectedJson, json.RootElement.GetProperty("env").GetRawText());
    }

    [Theory]
    [InlineData("  - B\n")]
    [InlineData("  B:\n")]
    [InlineData("  B: null\n")]
    [InlineData("  B: ~\n")]
    public void Env_BareNameOrNullValue_IsRequired(string body)
    {
        var env = Clean(Task + body).RunConfiguration!.Env;

        var variable = Assert.Single(env);
        Assert.Equal("B", variable.Name);
        Assert.True(variable.IsRequired);
    }

    // Line 4 is the first env item: "  - ITEM" (item at column 5) or "  KEY: value" (key at column 3).
    [Theory]
    [InlineData("  - 1A=x\n", 5, 7, "`1A` is not a valid variable name", "write _1A")]
    [InlineData("  - MY-VAR=x\n", 5, 11, "`MY-VAR` is not a valid variable name", "write MY_VAR")]
    [InlineData("  - =x\n", 5, 6, "an empty name", "valid variable name")]
    [InlineData("  - 'A B=1'\n", 6, 9, "`A B`", "write A_B")]
    [InlineData("  1A: x\n", 3, 5, "`1A` is not a valid variable name", "the same rule for lists and mappings")]
    [InlineData("  MY-VAR: x\n", 3, 9, "`MY-VAR`", "write MY_VAR")]
    [InlineData("  'A.B': x\n", 4, 7, "`A.B`", "write A_B")]
    public void Env_InvalidName_IsTheSameErrorInBothForms(string body, int column, int endColumn, string message, string hint)
    {
        var error = Error(Task + body, DiagnosticCodes.InvalidEnvName, 4, column, endColumn);

        Mentions(error, message, hint);
    }

    [Theory]
    [InlineData("  - A=1\n  - A=2\n", 5, 5, 8, "Duplicate environment variable: A=2")]
    [InlineData("  - A\n  - A=2\n", 5, 5, 8, "Duplicate environment variable: A=2")]
    [InlineData("  - B=1\n  - A\n  - A\n", 6, 5, 6, "Duplicate environment variable: A")]
    public void Env_DuplicateInList_IsDuplicateEnv(string body, int line, int column, int endColumn, string message)
    {
        var error = Error(Task + body, DiagnosticCodes.DuplicateEnv, line, column, endColumn);

        Mentions(error, message);
    }

    [Fact]
    public void Env_DuplicateInMapping_IsADuplicateKey()
    {
        var error = Error(Task + "  A: 1\n  A: 2\n", DiagnosticCodes.DuplicateKey, 5, 3, 4);

        Mentions(error, "duplicate key `A`");
    }

    [Fact]
    public void Env_NamesDifferingInCase_AreDifferentVariables()
    {
        Assert.Equal(2, Clean(Task + "  - a=1\n  - A=2\n").RunConfiguration!.Env.Count);
    }

    [Theory]
    [InlineData("  - {A: 1}\n", 5, 11, "NAME=value or NAME")]
    [InlineData("  - [A]\n", 5, 8, "NAME=value or NAME")]
    [InlineData("  -\n", 4, 4, "NAME=value or NAME")]
    [InlineData("  A: [1, 2]\n", 6, 12, "a string value")]
    [InlineData("  A: {x: 1}\n", 6, 12, "a string value")]
    public void Env_ItemOfTheWrongShape_IsWrongType(string body, int column, int endColumn, string message)
    {
        var document = Load(Task + body);

        var error = Single(document, DiagnosticCodes.WrongType);
        At(error, 4, column, 4, endColumn);
        Mentions(error, message);
    }

    [Fact]
    public void Env_FlowList_IsAccepted()
    {
        var env = Clean("type: task\ncommands: [a]\nenv: [A=1, B]\n").RunConfiguration!.Env;

        Assert.Equal(["A", "B"], env.Select(v => v.Name));
        Assert.Equal("1", env.Find("A")!.Value);
        Assert.Null(env.Find("B")!.Value);
    }
}
