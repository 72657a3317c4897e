using System.Text.Json;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using static Dstack.Runtime.Tests.Configuration.DiagnosticAssert;

namespace Dstack.Runtime.Tests.Configuration;

[Trait("Category", "Fast")]
public sealed class PortMappingTests
{
    private const string Task = "type: task\ncommands: [a]\n";

    [Theory]
    [InlineData("ports: [8080]", 8080, 8080)]
    [InlineData("ports: ['8080']", 8080, 8080)]
    [InlineData("ports: ['80:8080']", 80, 8080)]
    [InlineData("ports: [\"3000:3000\"]", 3000, 3000)]
    [InlineData("ports: ['*:8080']", null, 8080)]
    [InlineData("ports: [{container_port: 8080}]", null, 8080)]
    [InlineData("ports: [{local_port: 3000, container_port: 80}]", 3000, 80)]
    [InlineData("ports: [{local_port: null, container_port: 80}]", null, 80)]
    [InlineData("ports: [1]", 1, 1)]
    [InlineData("ports: [65535]", 65535, 65535)]
    [InlineData("ports: [9999]", 9999, 9999)]
    [InlineData("ports: [11000]", 11000, 11000)]
    public void Ports_ValidForm_GivesTheMapping(string line, int? local, int container)
    {
        var document = Clean(Task + line + "\n");

        var port = Assert.Single(Assert.IsType<TaskConfiguration>(document.Model).Ports);
        Assert.Equal(new PortMapping(local, container), port);
    }

    [Fact]
    public void Ports_UnquotedMapping_IsReadAsTheMappingWithAYaml11Warning()
    {
        var warning = Warning(Task + "ports:\n  - 8080:22\n", DiagnosticCodes.Yaml11Trap, 4, 5, 12);

        Mentions(warning, "base-60", "quote it (\"8080:22\")");
        var task = Assert.IsType<TaskConfiguration>(Load(Task + "ports:\n  - 8080:22\n").Model);
        Assert.Equal(new PortMapping(8080, 22), Assert.Single(task.Ports));
    }

    [Fact]
    public void Ports_UnquotedMappingThatYamlKeepsAsText_HasNoWarning()
    {
        var task = Assert.IsType<TaskConfiguration>(Clean(Task + "ports:\n  - 3000:8080\n").Model);

        Assert.Equal(new PortMapping(3000, 8080), Assert.Single(task.Ports));
    }

    // ports: [ starts at column 9 of line 3.
    [Theory]
    [InlineData("ports: [0]", DiagnosticCodes.InvalidPort, 9, 10, "port 0 is out of range; ports are 1 to 65535")]
    [InlineData("ports: [65536]", DiagnosticCodes.InvalidPort, 9, 14, "port 65536 is out of range")]
    [InlineData("ports: [-1]", DiagnosticCodes.InvalidPort, 9, 11, "out of range")]
    [InlineData("ports: ['80:99999']", DiagnosticCodes.InvalidPort, 13, 18, "port 99999 is out of range")]
    [InlineData("ports: ['0:80']", DiagnosticCodes.InvalidPort, 10, 11, "port 0 is out of range")]
    [InlineData("ports: ['a:b']", DiagnosticCodes.InvalidPort, 9, 14, "`a:b` is not a port mapping")]
    [InlineData("ports: ['80:']", DiagnosticCodes.InvalidPort, 9, 14, "is not a port mapping")]
    [InlineData("ports: ['1:2:3']", DiagnosticCodes.InvalidPort, 9, 16, "is not a port mapping")]
    [InlineData("ports: ['*:*']", DiagnosticCodes.InvalidPort, 9, 14, "\"*:8080\" for any free local port")]
    [InlineData("ports: [80.5]", DiagnosticCodes.InvalidPort, 9, 13, "is not a port mapping")]
    [InlineData("ports: [true]", DiagnosticCodes.WrongType, 9, 13, "a port such as 8080")]
    [InlineData("ports: [[80]]", DiagnosticCodes.WrongType, 9, 13, "a port such as 8080")]
    [InlineData("ports: 8080", DiagnosticCodes.WrongType, 8, 12, "a list")]
    [InlineData("ports: [{local_port: 1}]", DiagnosticCodes.MissingProperty, 9, 9, "`container_port` is required")]
    [InlineData("ports: [{container_port: 80, host: x}]", DiagnosticCodes.UnknownProperty, 30, 34, "`ports[0].host`")]
    [InlineData("ports: [{container_port: 0}]", DiagnosticCodes.InvalidPort, 26, 27, "port 0 is out of range")]
    [InlineData("ports: [{container_port: http}]", DiagnosticCodes.WrongType, 26, 30, "a whole number")]
    [InlineData("ports: [8080, 8080]", DiagnosticCodes.DuplicatePort, 15, 19, "container port 8080 is mapped twice")]
    [InlineData("ports: ['80:8080', '81:8080']", DiagnosticCodes.DuplicatePort, 20, 29, "container port 8080 is mapped twice")]
    [InlineData("ports: ['3000:80', '3000:81']", DiagnosticCodes.DuplicatePort, 20, 29, "Port 3000 is already in use")]
    [InlineData("ports: [8080, '8080:81']", DiagnosticCodes.DuplicatePort, 15, 24, "Port 8080 is already in use")]
    public void Ports_InvalidItem_IsReportedAtTheExactColumns(string line, string code, int column, int endColumn, string message)
    {
        var error = Error(Task + line + "\n", code, 3, column, endColumn);

        Mentions(error, message);
    }

    [Theory]
    [InlineData("ports: [10022]", 9, 14, "container port 10022 is in 10000-10999")]
    [InlineData("ports: ['8000:10999']", 9, 21, "container port 10999")]
    [InlineData("ports: [10000]", 9, 14, "reserves")]
    public void Ports_ReservedContainerPort_IsAWarning(string line, int column, int endColumn, string message)
    {
        var warning = Warning(Task + line + "\n", DiagnosticCodes.ReservedPort, 3, column, endColumn);

        Mentions(warning, message);
    }

    [Fact]
    public void Ports_SeveralAutoLocalPorts_AreNotDuplicates()
    {
        var task = Assert.IsType<TaskConfiguration>(Clean(Task + "ports: ['*:80', '*:81', {container_port: 82}]\n").Model);

        Assert.Equal(3, task.Ports.Count);
        Assert.All(task.Ports, p => Assert.Null(p.LocalPort));
    }

    [Theory]
    [InlineData("port: 8000", 80, 8000)]
    [InlineData("port: '8000'", 80, 8000)]
    [InlineData("port: '8080:8000'", 8080, 8000)]
    [InlineData("port: {local_port: 8080, container_port: 8000}", 8080, 8000)]
    public void ServicePort_ValidForm_PublishesOnPort80ByDefault(string line, int? local, int container)
    {
        var document = Clean("type: service\ncommands: [a]\n" + line + "\n");

        Assert.Equal(new PortMapping(local, container), Assert.IsType<ServiceConfiguration>(document.Model).Port);
    }

    [Fact]
    public void ServicePort_Missing_IsRequired()
    {
        var error = Error("type: service\ncommands: [a]\n", DiagnosticCodes.MissingProperty, 1, 1, 1);

        Mentions(error, "`port` is required for `type: service`", "port: 8000");
    }

    [Theory]
    [InlineData("port: 0", 7, 8, DiagnosticCodes.InvalidPort)]
    [InlineData("port: 10999", 7, 12, DiagnosticCodes.ReservedPort)]
    [InlineData("port: [8000]", 7, 13, DiagnosticCodes.WrongType)]
    [InlineData("port: null", 7, 11, DiagnosticCodes.NullNotAllowed)]
    public void ServicePort_Invalid_IsReportedAtTheValue(string line, int column, int endColumn, string code)
    {
        var document = Load("type: service\ncommands: [a]\n" + line + "\n");

        var diagnostic = Single(document, code);
        At(diagnostic, 3, column, 3, endColumn);
    }

    [Theory]
    [InlineData("ports: [8080]", "[{\"local_port\":8080,\"container_port\":8080}]")]
    [InlineData("ports: ['*:8080']", "[{\"local_port\":null,\"container_port\":8080}]")]
    [InlineData("ports: ['80:8080', 22]", "[{\"local_port\":80,\"container_port\":8080},{\"local_port\":22,\"container_port\":22}]")]
    public void NormalizedJson_Ports_AreLocalAndContainerPort(string line, string expected)
    {
        var document = Clean(Task + line + "\n");

        using var json = JsonDocument.Parse(NormalizedJson.Serialize(document.Model!, indented: false));

        Assert.Equal(expected, json.RootElement.GetProperty("ports").GetRawText());
    }

    [Theory]
    [InlineData(8080, 8080, "8080")]
    [InlineData(80, 8080, "80:8080")]
    [InlineData(null, 8080, "*:8080")]
    public void ToString_Mapping_IsDstackForm(int? local, int container, string expected)
    {
        Assert.Equal(expected, new PortMapping(local, container).ToString());
    }
}
