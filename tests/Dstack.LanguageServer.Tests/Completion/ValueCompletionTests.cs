using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>Values: the forms each kind of value is offered in, what is left out, and what accepting one writes.</summary>
[Trait("Category", "Fast")]
public sealed class ValueCompletionTests
{
    [Theory]
    // Enums (YAML spellings), booleans, the default marked elsewhere.
    [InlineData("type: task\ncreation_policy: ‸\n", "reuse,reuse-or-create")]
    [InlineData("type: dev-environment\nide: ‸\n", "vscode,cursor")]
    [InlineData("type: task\nprivileged: ‸\n", "true,false")]
    [InlineData("type: task\nretry: ‸\n", "true,false")]
    [InlineData("type: task\nretry:\n  on_events: [no-capacity, ‸]\n", "interruption,error")]
    [InlineData("type: task\nretry:\n  on_events:\n    - error\n    - ‸\n", "no-capacity,interruption")]
    [InlineData("type: service\ngateway: ‸\n", "false")]
    [InlineData("type: service\nmodel:\n  format: ‸\n", "openai,tgi")]
    [InlineData("type: service\nmodel:\n  type: ‸\n", "chat")]
    [InlineData("type: service\nscaling:\n  metric: ‸\n", "rps")]
    [InlineData("type: task\ntermination_policy: ‸\n", "dont-destroy,destroy-after-idle")]
    [InlineData("workflows:\n  - name: a\n    provider: ‸\n", "bash,docker")]
    // Python versions, quoted.
    [InlineData("type: task\npython: ‸\n", "\"3.9\",\"3.10\",\"3.11\",\"3.12\",\"3.13\"")]
    // Durations, with off and false where the property takes them.
    [InlineData("type: task\nretry:\n  duration: ‸\n", "1h,5m,30m,2h,6h,12h,1d,3d")]
    [InlineData("type: task\nmax_duration: ‸\n", "off,5m,30m,1h,2h,6h,12h,1d,3d,false")]
    [InlineData("type: task\nstop_duration: 9‸\n", "9m,9h,9d,9s,9w,5m,30m,1h,2h,6h,12h,1d,3d,off,false")]
    // Sizes and counts.
    [InlineData("type: task\nresources:\n  memory: ‸\n", "8GB..,16GB..,32GB..,64GB..,16GB..64GB,32GB")]
    [InlineData("type: task\nresources:\n  disk: ‸\n", "100GB..,200GB..,500GB..,1TB..,200GB..1TB")]
    [InlineData("type: task\nresources:\n  shm_size: ‸\n", "8GB,16GB,32GB,64GB")]
    [InlineData("type: task\nresources:\n  memory: 16‸\n", "16GB,16GB..,16TB,16MB,8GB..,32GB..,64GB..,16GB..64GB,32GB")]
    [InlineData("type: task\nresources:\n  memory: 16GB..‸\n", "16GB..32GB,16GB..64GB,16GB..128GB,8GB..,16GB..,32GB..,64GB..,32GB")]
    [InlineData("type: task\nresources:\n  disk: 512GB..‸\n", "512GB..1TB,512GB..2TB,512GB..4TB,100GB..,200GB..,500GB..,1TB..,200GB..1TB")]
    [InlineData("type: task\nresources:\n  cpu: ‸\n", "2..,4..,8..,16..,4,4..16")]
    [InlineData("type: task\nresources:\n  cpu: 6‸\n", "6..,6..12,2..,4..,8..,16..,4,4..16")]
    [InlineData("type: service\nreplicas: ‸\n", "1,2,0..4,1..4")]
    [InlineData("type: task\nnodes: ‸\n", "2,4,8")]
    // Ports: quoted mappings; the service port.
    [InlineData("type: task\nports:\n  - ‸\n", "8080,\"*:8080\",\"8080:8080\",\"3000:80\"")]
    [InlineData("type: task\nports:\n  - 8080\n  - ‸\n", "\"*:8080\",\"8080:8080\",\"3000:80\"")]
    [InlineData("type: task\nports: [‸]\n", "8080,\"*:8080\",\"8080:8080\",\"3000:80\"")]
    [InlineData("type: task\nports:\n  - 50‸\n", "50,\"*:50\",\"50:50\"")]
    [InlineData("type: service\nport: ‸\n", "8000,\"80:8000\"")]
    // Env and volumes: forms to fill in.
    [InlineData("type: task\nenv:\n  - ‸\n", "NAME=value,NAME")]
    [InlineData("type: task\nenv:\n  - HF_TOKEN‸\n", "HF_TOKEN=value,HF_TOKEN")]
    [InlineData("type: task\nenv:\n  - A=1‸\n", "")]
    [InlineData("type: task\nvolumes:\n  - ‸\n", "name:/path,/instance/path:/path")]
    // Free strings have nothing to offer.
    [InlineData("type: task\ncommands:\n  - ‸\n", "")]
    [InlineData("type: task\nname: ‸\n", "")]
    [InlineData("type: task\nunknown_key: ‸\n", "")]
    public async Task Value_OffersTheseLabelsInThisOrder(string marked, string expected)
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, marked, marked.StartsWith("workflows", StringComparison.Ordinal) ? ".dstack/workflows/a.yaml" : "train.dstack.yml");

        Assert.Equal(expected, string.Join(',', result.Labels));
    }

    [Fact]
    public async Task Backends_FlowListLeavesOutWhatIsListed_BlockListToo_KeyLineOffersAList()
    {
        await using var client = await TestClient.InitializedAsync();

        var flow = await Completions.AtAsync(client, "type: task\nbackends: [local, ‸]\n");
        var block = await Completions.AtAsync(client, "type: task\nbackends:\n- aws\n- ‸\n- gcp\n");
        var keyLine = await Completions.AtAsync(client, "type: task\nbackends: ‸\n");

        Assert.DoesNotContain("local", flow.Labels);
        Assert.Contains("aws", flow.Labels);
        Assert.Equal("type: task\nbackends: [local, vastai]\n", flow.Accept("vastai"));
        Assert.DoesNotContain("aws", block.Labels);
        Assert.DoesNotContain("gcp", block.Labels);
        Assert.Equal("type: task\nbackends:\n- aws\n- local\n- gcp\n", block.Accept("local"));
        Assert.Equal("type: task\nbackends: [local]\n", keyLine.Accept("[local]"));
    }

    [Fact]
    public async Task Python_InsertsQuoted_AndMatchesWhatIsTyped()
    {
        await using var client = await TestClient.InitializedAsync();

        var plain = await Completions.AtAsync(client, "type: task\npython: 3.1‸\n");
        var quoted = await Completions.AtAsync(client, "type: task\npython: \"3.1‸\"\n");

        Assert.Equal("type: task\npython: \"3.10\"\n", plain.Accept("\"3.10\""));
        Assert.Equal("3.10", plain.Item("\"3.10\"").GetProperty("filterText").GetString());
        Assert.Equal("type: task\npython: \"3.11\"\n", quoted.Accept("\"3.11\""));
        Assert.False(quoted.Item("\"3.11\"").TryGetProperty("filterText", out _));
    }

    [Fact]
    public async Task Value_ReplacesTheWholeValueButNotTheComment()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nspot_policy: sp‸ot # cheap\n");

        Assert.Equal("type: task\nspot_policy: auto # cheap\n", result.Accept("auto"));
    }

    [Fact]
    public async Task ValueRightAfterTheColon_GetsASpace()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nspot_policy:‸\n");

        Assert.Equal("type: task\nspot_policy: spot\n", result.Accept("spot"));
    }

    [Fact]
    public async Task Port_MappingsAreQuoted()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nports:\n  - 8‸\n");

        Assert.Equal("type: task\nports:\n  - \"*:8\"\n", result.Accept("\"*:8\""));
        Assert.Equal("*:8", result.Item("\"*:8\"").GetProperty("filterText").GetString());
    }

    [Fact]
    public async Task EnvAndVolume_AreSnippetsWithPlaceholders()
    {
        await using var client = await TestClient.InitializedAsync();

        var env = await Completions.AtAsync(client, "type: task\nenv:\n  - ‸\n");
        var volume = await Completions.AtAsync(client, "type: task\nvolumes:\n  - ‸\n");

        Assert.Equal("${1:NAME}=${2:value}", env.NewText("NAME=value"));
        Assert.Equal("type: task\nenv:\n  - NAME=value\n", env.Accept("NAME=value"));
        Assert.Equal("type: task\nvolumes:\n  - /mnt/data:/data\n", volume.Accept("/instance/path:/path"));
    }
}
