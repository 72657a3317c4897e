using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>The six completion positions of the lsp-bench probes (fixtures/probes.json), over the in-memory client.</summary>
[Trait("Category", "Fast")]
public sealed class CompletionProbeTests
{
    [Fact]
    public async Task TopLevelKey_OffersRunKeysWithoutThosePresent_CommonOnesFirst()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nname: probe\n‸\ncommands:\n  - python train.py\n");

        var labels = result.Labels;
        Assert.DoesNotContain("type", labels);
        Assert.DoesNotContain("name", labels);
        Assert.DoesNotContain("commands", labels);
        Assert.DoesNotContain("ide", labels);
        Assert.Equal(["resources", "python", "ports", "env", "image", "nodes"], labels.Take(6));
        Assert.Equal("spot_policy: ", result.NewText("spot_policy"));
        Assert.Equal("type: task\nname: probe\nresources:\n  gpu: 24GB..\ncommands:\n  - python train.py\n", result.Accept("resources"));
    }

    [Fact]
    public async Task TypeValue_OffersTheThreeRunTypes()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: ‸\nname: probe\ncommands:\n  - python train.py\n");

        Assert.Equal(["task", "dev-environment", "service"], result.Labels);
        Assert.StartsWith("type: service\nname: probe", result.Accept("service"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpotPolicyValue_OffersTheYamlSpellings_DefaultMarked()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\ncommands:\n  - python train.py\nspot_policy: ‸\n");

        Assert.Equal(["spot", "on-demand", "auto"], result.Labels);
        Assert.Equal("the default", result.Detail("on-demand"));
        Assert.EndsWith("spot_policy: on-demand\n", result.Accept("on-demand"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesKey_OffersResourceKeysWithoutMemory_GpuFirst()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\ncommands:\n  - python train.py\nresources:\n  memory: 32GB\n  ‸\n");

        Assert.Equal(["gpu", "cpu", "disk", "shm_size"], result.Labels);
        Assert.EndsWith("resources:\n  memory: 32GB\n  gpu: \n", result.Accept("gpu"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuValue_OffersFormsNamesWithMemoryAndVendors()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\ncommands:\n  - python train.py\nresources:\n  gpu: ‸\n");

        var labels = result.Labels;
        Assert.Equal("A100:80GB:2", labels[0]);
        Assert.Contains("24GB..:1..2", labels);
        Assert.Contains("H100", labels);
        Assert.Contains("nvidia", labels);
        Assert.Contains("tpu", labels);
        Assert.Equal("NVIDIA, 40GB or 80GB", result.Detail("A100"));
        Assert.True(labels.ToList().IndexOf("H100") < labels.ToList().IndexOf("nvidia"));
        Assert.EndsWith("  gpu: A100:80GB:2\n", result.Accept("A100:80GB:2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuObjectKey_OffersGpuKeysWithoutName()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\ncommands:\n  - python train.py\nresources:\n  gpu:\n    name: A100\n    ‸\n");

        Assert.Equal(["count", "memory", "vendor", "total_memory", "compute_capability"], result.Labels);
        Assert.EndsWith("    name: A100\n    count: \n", result.Accept("count"), StringComparison.Ordinal);
    }
}
