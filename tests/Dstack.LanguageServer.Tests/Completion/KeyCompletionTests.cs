using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>Keys: which are offered where, in which order, and what accepting one writes.</summary>
[Trait("Category", "Fast")]
public sealed class KeyCompletionTests
{
    [Fact]
    public async Task EmptyRunFile_TypeComesFirst()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "‸");

        Assert.Equal("type", result.Labels[0]);
        Assert.Equal("type: ", result.NewText("type"));
        // Without a type, the keys of all three types are offered, and a key required by one type only is not pushed up.
        Assert.Contains("ide", result.Labels);
        Assert.Contains("port", result.Labels);
        Assert.Equal("commands", result.Labels[1]);
    }

    [Fact]
    public async Task DevEnvironment_RequiredIdeComesRightAfterNothing_AndCommandsIsNotOffered()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: dev-environment\n‸\n");

        Assert.Equal("ide", result.Labels[0]);
        Assert.DoesNotContain("commands", result.Labels);
        Assert.Contains("inactivity_duration", result.Labels);
    }

    [Fact]
    public async Task DeprecatedKeys_AreTaggedAndLast()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\n‸\n");

        var deprecated = new[] { "home_dir", "setup", "retry_policy", "termination_policy", "termination_idle_time", "pool_name", "instance_name" };
        Assert.Equal(deprecated.Order(), result.Labels.TakeLast(deprecated.Length).Order());
        Assert.Equal([1], result.Item("home_dir").GetProperty("tags").EnumerateArray().Select(t => t.GetInt32()));
        Assert.False(result.Item("commands").TryGetProperty("tags", out _));
        Assert.StartsWith("deprecated:", result.Detail("setup"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_DetailHasTypeAndDefault_DocumentationIsTheDescriptionWithExample()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\n‸\n");

        Assert.Equal("spot | on-demand | auto, default on-demand", result.Detail("spot_policy"));
        Assert.Equal("duration or off, default 5m", result.Detail("stop_duration"));
        var documentation = result.Item("resources").GetProperty("documentation");
        Assert.Equal("markdown", documentation.GetProperty("kind").GetString());
        Assert.Contains("```yaml\nresources:\n  gpu: 24GB..:1..2", documentation.GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ports", "type: task\nports:\n  - 8080\n")]
    [InlineData("commands", "type: task\ncommands:\n  - \n")]
    [InlineData("env", "type: task\nenv:\n  - NAME=value\n")]
    [InlineData("volumes", "type: task\nvolumes:\n  - my-volume:/data\n")]
    [InlineData("retry", "type: task\nretry:\n  on_events: [no-capacity, interruption, error]\n  duration: 1h\n")]
    [InlineData("registry_auth", "type: task\nregistry_auth:\n  username: user\n  password: ${{ env.REGISTRY_PASSWORD }}\n")]
    [InlineData("backends", "type: task\nbackends: [aws]\n")]
    [InlineData("regions", "type: task\nregions: []\n")]
    [InlineData("utilization_policy", "type: task\nutilization_policy:\n  min_gpu_utilization: \n  time_window: \n")]
    [InlineData("python", "type: task\npython: \n")]
    public async Task BlockKeys_InsertTheirSnippet(string key, string expected)
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\n‸\n");

        Assert.Equal(expected, result.Accept(key));
    }

    [Fact]
    public async Task NestedBlockKey_IndentsBelowItsOwnKey()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "profiles:\n  - name: a\n    ret‸\n", ".dstack/profiles.yml");

        Assert.Equal("profiles:\n  - name: a\n    retry:\n      on_events: [no-capacity, interruption, error]\n      duration: 1h\n", result.Accept("retry"));
    }

    [Fact]
    public async Task KeyAfterDash_IndentsBelowTheKeyNotTheDash()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "profiles:\n  - name: a\n  - ‸\n", ".dstack/profiles.yml");

        Assert.Equal("profiles:\n  - name: a\n  - retry:\n      on_events: [no-capacity, interruption, error]\n      duration: 1h\n", result.Accept("retry"));
        Assert.Equal("name", result.Labels[0]);
    }

    [Fact]
    public async Task TypedPrefix_IsReplaced_AndAColonAlreadyThereIsKept()
    {
        await using var client = await TestClient.InitializedAsync();

        var typed = await Completions.AtAsync(client, "type: task\nspo‸\n");
        var withColon = await Completions.AtAsync(client, "type: task\nspo‸t: auto\n");

        Assert.Equal("type: task\nspot_policy: \n", typed.Accept("spot_policy"));
        Assert.Equal("type: task\nspot_policy: auto\n", withColon.Accept("spot_policy"));
        Assert.Equal("type: task\nresources: auto\n", withColon.Accept("resources"));
    }

    [Fact]
    public async Task ProfilesFile_OffersProfilesAtTheTop_AndProfileKeysInAnItem()
    {
        await using var client = await TestClient.InitializedAsync();

        var top = await Completions.AtAsync(client, "‸", ".dstack/profiles.yml");
        var item = await Completions.AtAsync(client, "profiles:\n  - name: gpu\n    default: true\n    ‸\n", ".dstack/profiles.yml");

        Assert.Equal(["profiles"], top.Labels);
        Assert.Equal("profiles:\n  - name: ", top.Accept("profiles"));
        Assert.DoesNotContain("name", item.Labels);
        Assert.DoesNotContain("default", item.Labels);
        Assert.DoesNotContain("commands", item.Labels);
        Assert.Equal("spot_policy", item.Labels[0]);
    }

    [Fact]
    public async Task WorkflowsFile_OffersWorkflowKeys()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "workflows:\n  - name: train\n    ‸\n", ".dstack/workflows/train.yaml");

        Assert.Equal(["provider", "commands", "python", "resources", "env"], result.Labels.Take(5));
        Assert.Contains("artifacts", result.Labels);
        Assert.DoesNotContain("name", result.Labels);
    }

    // The model object has one shape per `format`, as in dstack: the keys of both shapes are offered.
    [Fact]
    public async Task ServiceModel_OffersTheKeysOfEachFormat()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: service\nmodel:\n  name: llama\n  ‸\n");

        Assert.Contains("format", result.Labels);
        Assert.Contains("type", result.Labels);
        Assert.Contains("prefix", result.Labels);
        Assert.Contains("chat_template", result.Labels);
        Assert.Contains("eos_token", result.Labels);
        Assert.DoesNotContain("name", result.Labels);
    }

    [Fact]
    public async Task FlowMapping_OffersKeysAsPlainKeyColon()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources: {cpu: 2, ‸}\n");

        Assert.DoesNotContain("cpu", result.Labels);
        Assert.Equal("type: task\nresources: {cpu: 2, gpu: }\n", result.Accept("gpu"));
    }
}
