using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class DevEnvironmentConfigurationTests
{
    private const string DevEnvironment = "type: dev-environment\nide: vscode\n";

    [Fact]
    public void DevEnvironment_WithoutIde_IsMissingIde()
    {
        var error = Error("type: dev-environment\npython: '3.11'\n", DiagnosticCodes.MissingProperty, 1, 1, 1);

        Mentions(error, "`ide` is required for `type: dev-environment`");
    }

    [Theory]
    [InlineData("ide: pycharm", DiagnosticCodes.InvalidEnumValue, 6, 13, "`pycharm` is not one of vscode")]
    [InlineData("ide: VSCode", DiagnosticCodes.InvalidEnumValue, 6, 12, "did you mean `vscode`?")]
    [InlineData("ide: null", DiagnosticCodes.NullNotAllowed, 6, 10, "cannot be empty or null")]
    public void DevEnvironment_BadIde_IsReportedAtTheValue(string line, string code, int column, int endColumn, string message)
    {
        var error = Error("type: dev-environment\n" + line + "\n", code, 2, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("commands: [a]", DiagnosticCodes.UnknownProperty, 1, 9, "a dev environment runs `init` instead")]
    [InlineData("port: 8000", DiagnosticCodes.UnknownProperty, 1, 5, "`type: service`")]
    [InlineData("inactivity_duration: 1h30m", DiagnosticCodes.InvalidDuration, 22, 27, "Cannot parse the duration 1h30m")]
    [InlineData("init: echo", DiagnosticCodes.WrongType, 7, 11, "a list")]
    [InlineData("ports: ['x']", DiagnosticCodes.InvalidPort, 9, 12, "is not a port mapping")]
    public void DevEnvironment_InvalidProperty_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(DevEnvironment + line + "\n", code, 3, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("inactivity_duration: 2h", 7200L)]
    [InlineData("inactivity_duration: 30m", 1800L)]
    [InlineData("inactivity_duration: off", null)]
    [InlineData("inactivity_duration: false", null)]
    public void DevEnvironment_InactivityDuration_IsSecondsOrOff(string line, long? seconds)
    {
        var environment = Assert.IsType<DevEnvironmentConfiguration>(Clean(DevEnvironment + line + "\n").Model);

        Assert.Equal(new Duration(seconds), environment.InactivityDuration);
    }

    [Fact]
    public void DevEnvironment_SetupWithBadReference_IsReported()
    {
        var document = Load(DevEnvironment + "setup:\n  - echo ${{ run.nope }}\n");

        var error = Single(document, DiagnosticCodes.UnknownReference);
        At(error, 4, 10, 4, 25);
        Mentions(error, "setup[0]", "['run.nope']");
    }

    [Fact]
    public void DevEnvironment_Full_IsValid()
    {
        var environment = Assert.IsType<DevEnvironmentConfiguration>(Clean(
            DevEnvironment + "version: 1a2b3c\npython: \"3.11\"\ninit:\n  - pip install -r requirements.txt\nports: [8888]\nresources:\n  gpu: 24GB\n").Model);

        Assert.Equal(IdeKind.VsCode, environment.Ide);
        Assert.Equal(["pip install -r requirements.txt"], environment.Init);
        Assert.Equal(new PortMapping(8888, 8888), Assert.Single(environment.Ports));
    }
}
