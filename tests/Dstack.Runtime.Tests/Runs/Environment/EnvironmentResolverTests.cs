using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Runs.Environment;

namespace Dstack.Runtime.Tests.Runs.Environment;

[Trait("Category", "Fast")]
public sealed class EnvironmentResolverTests
{
    private const string ConfigurationPath = "train.dstack.yml";

    private static readonly Dictionary<string, string> NoProcess = [];

    [Theory]
    [InlineData(true, true, true, "from-cli")]
    [InlineData(false, true, true, "from-process")]
    [InlineData(false, false, true, "from-dotenv")]
    [InlineData(true, false, false, "from-cli")]
    public void Resolve_RequiredVariable_TakesCliThenProcessThenDotEnv(bool cli, bool process, bool dotEnv, string expected)
    {
        var resolution = EnvironmentResolver.Resolve(
            Env(("HF_TOKEN", null)),
            cli ? ["HF_TOKEN=from-cli"] : [],
            process ? new Dictionary<string, string> { ["HF_TOKEN"] = "from-process" } : NoProcess,
            dotEnv ? DotEnvFile.Parse(".env", "HF_TOKEN=from-dotenv\n") : null,
            ConfigurationPath);

        Assert.Empty(resolution.Diagnostics);
        Assert.Equal([new("HF_TOKEN", expected)], resolution.Variables);
    }

    [Fact]
    public void Resolve_ConfiguredValue_IsReplacedOnlyByCli()
    {
        var configured = Env(("MODE", "fast"), ("LEVEL", "1"));
        var process = new Dictionary<string, string> { ["MODE"] = "slow", ["LEVEL"] = "9" };

        var resolution = EnvironmentResolver.Resolve(configured, ["LEVEL=3"], process, DotEnvFile.Parse(".env", "MODE=dot\n"), ConfigurationPath);

        Assert.Equal([new("MODE", "fast"), new("LEVEL", "3")], resolution.Variables);
    }

    [Fact]
    public void Resolve_CliEntries_OverrideInPlaceAndAddNewNamesInOrderLastValueWins()
    {
        var resolution = EnvironmentResolver.Resolve(Env(("A", "1"), ("B", "2")), ["Z=first", "B=two", "Y=y", "Z=last"], NoProcess, null, ConfigurationPath);

        Assert.True(resolution.IsValid);
        Assert.Equal([new("A", "1"), new("B", "two"), new("Z", "last"), new("Y", "y")], resolution.Variables);
    }

    [Fact]
    public void Resolve_CliNameWithoutValue_TakesTheProcessThenDotEnvValue()
    {
        var resolution = EnvironmentResolver.Resolve(
            EnvVariables.Empty,
            ["FROM_PROCESS", "FROM_DOTENV", "EMPTY="],
            new Dictionary<string, string> { ["FROM_PROCESS"] = "p-value" },
            DotEnvFile.Parse(".env", "FROM_DOTENV=d-value\nFROM_PROCESS=ignored\n"),
            ConfigurationPath);

        Assert.Empty(resolution.Diagnostics);
        Assert.Equal([new("FROM_PROCESS", "p-value"), new("FROM_DOTENV", "d-value"), new("EMPTY", string.Empty)], resolution.Variables);
    }

    [Fact]
    public void Resolve_SeveralMissing_GivesOneErrorNamingEveryOne()
    {
        var resolution = EnvironmentResolver.Resolve(
            Env(("HF_TOKEN", null), ("SET", "1"), ("WANDB_KEY", null)),
            ["EXTRA"],
            NoProcess,
            DotEnvFile.Parse(".env", "OTHER=x\n"),
            ConfigurationPath);

        var error = Assert.Single(resolution.Diagnostics);
        Assert.Equal(DiagnosticCodes.RequiredEnvMissing, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(ConfigurationPath, error.Path);
        Assert.Equal(SourceSpan.FileStart, error.Span);
        Assert.Equal(
            "Environment variables HF_TOKEN, WANDB_KEY, EXTRA are not set: pass -e HF_TOKEN=... -e WANDB_KEY=... -e EXTRA=..., export them, or add them to .env",
            error.Message);
        Assert.False(resolution.IsValid);
        Assert.Equal([new("SET", "1")], resolution.Variables);
    }

    [Fact]
    public void Resolve_OneMissing_SaysItInTheSingular()
    {
        var error = Assert.Single(EnvironmentResolver.Resolve(Env(("HF_TOKEN", null)), [], NoProcess, null, ConfigurationPath).Diagnostics);

        Assert.Equal("Environment variable HF_TOKEN is not set: pass -e HF_TOKEN=..., export it, or add it to .env", error.Message);
    }

    [Fact]
    public void Resolve_WithSourceMap_PointsAtTheFirstMissingEntry()
    {
        var document = ConfigurationLoader.LoadText(ConfigurationPath, "type: task\ncommands: [a]\nenv:\n  - SET=1\n  - HF_TOKEN\n  - WANDB_KEY\n");

        var resolution = EnvironmentResolver.Resolve(document.RunConfiguration!.Env, [], NoProcess, null, ConfigurationPath, document.SourceMap);

        var error = Assert.Single(resolution.Diagnostics);
        Assert.Equal((5, 5, 5, 13), (error.Span.StartLine, error.Span.StartColumn, error.Span.EndLine, error.Span.EndColumn));
    }

    [Theory]
    [InlineData("1X=3", "`-e 1X=3`: `1X` is not a variable name (names start with a letter or _ and hold only letters, digits and _): write -e _1X=3")]
    [InlineData("MY-VAR", "`-e MY-VAR`: `MY-VAR` is not a variable name")]
    [InlineData("=value", "`-e =value` has no variable name before `=`: write -e NAME=value")]
    [InlineData("", "`-e` needs NAME=value, or NAME to take the value from your environment, but got an empty value")]
    public void Resolve_MalformedCliEntry_IsAnErrorNamingTheValue(string entry, string message)
    {
        var resolution = EnvironmentResolver.Resolve(Env(("A", "1")), [entry, "B=2"], NoProcess, null, ConfigurationPath);

        var error = Assert.Single(resolution.Diagnostics);
        Assert.Equal(DiagnosticCodes.InvalidOption, error.Code);
        Assert.True(error.IsError);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal([new("A", "1"), new("B", "2")], resolution.Variables);
    }

    [Fact]
    public void Resolve_DotEnvErrors_AreReportedWithTheResolution()
    {
        var resolution = EnvironmentResolver.Resolve(EnvVariables.Empty, [], NoProcess, DotEnvFile.Parse(".env", "BROKEN\n"), ConfigurationPath);

        Assert.Equal(DiagnosticCodes.DotEnvSyntax, Assert.Single(resolution.Diagnostics).Code);
    }

    [Fact]
    public void Resolve_Secrets_AreOutsideValuesAndSecretLookingNamesButNotPlainCliValuesOrShortValues()
    {
        var resolution = EnvironmentResolver.Resolve(
            Env(("HF_TOKEN", null), ("MODE", "plain-config-value"), ("API_Key", "configured-key"), ("DB_PASSWORD", "pw"), ("FROM_DOT", null)),
            ["CLI_VALUE=cli-value", "N=1", "SHORT=abc", "PASSED", "CLI_TOKEN=cli-token"],
            new Dictionary<string, string> { ["HF_TOKEN"] = "hf_process", ["PASSED"] = "process-value", ["UNUSED"] = "unused-value" },
            DotEnvFile.Parse(".env", "FROM_DOT=dot-value\nNOT_ASKED_FOR=dot-unused\n"),
            ConfigurationPath);

        Assert.Empty(resolution.Diagnostics);
        Assert.Equal(
            new HashSet<string> { "hf_process", "configured-key", "dot-value", "dot-unused", "cli-token", "process-value" },
            resolution.SecretValues.ToHashSet());
    }

    [Theory]
    [InlineData("HF_TOKEN", true)]
    [InlineData("aws_secret_access_key", true)]
    [InlineData("DB_PASSWD", true)]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS", true)]
    [InlineData("BASIC_AUTH", true)]
    [InlineData("MODEL_NAME", false)]
    [InlineData("EPOCHS", false)]
    public void LooksSecret_Name_ByItsParts(string name, bool expected) => Assert.Equal(expected, EnvironmentResolver.LooksSecret(name));

    private static EnvVariables Env(params (string Name, string? Value)[] variables) =>
        new([.. variables.Select(v => new EnvVariable(v.Name, v.Value))]);
}
