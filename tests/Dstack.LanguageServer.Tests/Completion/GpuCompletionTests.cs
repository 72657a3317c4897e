using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>GPU specs token by token, and GPU names and vendors in the object form.</summary>
[Trait("Category", "Fast")]
public sealed class GpuCompletionTests
{
    [Fact]
    public async Task AfterAName_OffersItsMemorySizesAndCounts_ReplacingOnlyTheToken()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources:\n  gpu: A100:‸\n");

        Assert.Equal(["40GB", "80GB", "1", "2", "4", "8", "1..2", "2.."], result.Labels);
        Assert.Equal("type: task\nresources:\n  gpu: A100:80GB\n", result.Accept("80GB"));
        Assert.Equal("at least 2 GPUs", result.Detail("2.."));
    }

    [Fact]
    public async Task AfterNameAndMemory_OffersCountsOnly()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources:\n  gpu: A100:80GB:‸\n");

        Assert.Equal(["1", "2", "4", "8", "1..2", "2.."], result.Labels);
        Assert.Equal("type: task\nresources:\n  gpu: A100:80GB:4\n", result.Accept("4"));
    }

    [Fact]
    public async Task AfterAComma_OffersMoreNamesOfTheSameVendor_NotThoseListed()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources:\n  gpu: nvidia:A100,H‸:2\n");

        Assert.DoesNotContain("A100", result.Labels);
        Assert.DoesNotContain("MI300X", result.Labels);
        Assert.Contains("H100", result.Labels);
        Assert.Equal("type: task\nresources:\n  gpu: nvidia:A100,H200:2\n", result.Accept("H200"));
    }

    [Fact]
    public async Task AfterAVendor_OffersThatVendorsNames()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources:\n  gpu: amd:‸\n");

        Assert.Contains("MI300X", result.Labels);
        Assert.DoesNotContain("A100", result.Labels);
        Assert.DoesNotContain("nvidia", result.Labels);
        Assert.Equal("AMD, 192GB", result.Detail("MI300X"));
    }

    [Fact]
    public async Task TypedName_ReplacesTheWholeToken_AndNoWholeSpecIsOfferedBesideOtherTokens()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "type: task\nresources:\n  gpu: A1‸0:2 # two\n");

        Assert.Equal("type: task\nresources:\n  gpu: A10G:2 # two\n", result.Accept("A10G"));
        Assert.DoesNotContain("A100:80GB:2", result.Labels);
    }

    [Fact]
    public async Task ObjectForm_NameOffersNamesNotListed_VendorOffersVendors_MemoryOffersGpuSizes()
    {
        await using var client = await TestClient.InitializedAsync();

        var names = await Completions.AtAsync(client, "type: task\nresources:\n  gpu:\n    name: [A100, ‸]\n");
        var vendor = await Completions.AtAsync(client, "type: task\nresources:\n  gpu:\n    vendor: ‸\n");
        var memory = await Completions.AtAsync(client, "type: task\nresources:\n  gpu:\n    memory: ‸\n");
        var count = await Completions.AtAsync(client, "type: task\nresources:\n  gpu:\n    count: ‸\n");

        Assert.DoesNotContain("A100", names.Labels);
        Assert.Equal("NVIDIA, 80GB", names.Detail("H100"));
        Assert.Equal(["nvidia", "amd", "google", "tpu", "intel"], vendor.Labels);
        Assert.Equal(["16GB..", "24GB..", "40GB..", "48GB..", "80GB..", "24GB..80GB", "80GB"], memory.Labels);
        Assert.Equal("exactly 1 GPU (the default)", count.Detail("1"));
    }

    [Fact]
    public async Task Workflows_GpuNameIsAName()
    {
        await using var client = await TestClient.InitializedAsync();

        var result = await Completions.AtAsync(client, "workflows:\n  - name: a\n    resources:\n      gpu:\n        name: ‸\n", ".dstack/workflows/a.yaml");

        Assert.Contains("V100", result.Labels);
    }
}
