using System.Text.Json;
using Dstack.LanguageServer.Outline;
using Dstack.LanguageServer.Tests.Handlers;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Outline;

/// <summary>The outline (<c>textDocument/documentSymbol</c>) over the in-memory client.</summary>
[Trait("Category", "Fast")]
public sealed class DocumentSymbolTests
{
    private const string RunUri = "file:///work/project/train.dstack.yml";
    private const string ProfilesUri = "file:///work/project/.dstack/profiles.yml";

    private const string Profiles =
        "profiles:\n" +
        "  - name: gpu-large\n" +
        "    default: true\n" +
        "    spot_policy: auto\n" +
        "  - name: cheap\n" +
        "    max_price: 0.5\n";

    [Fact]
    public async Task Symbols_Profiles_ItemsNamedByTheirNameWithTheRestAsDetail()
    {
        var symbols = await SymbolsAsync(ProfilesUri, Profiles);

        var profiles = Assert.Single(symbols.EnumerateArray());
        Assert.Equal(("profiles", "2 items", 18), Head(profiles));
        var items = profiles.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal([("gpu-large", "default: true, spot_policy: auto", 2), ("cheap", "max_price: 0.5", 2)], items.Select(Head));
        Assert.Equal(
            [("name", "gpu-large", 15), ("default", "true", 17), ("spot_policy", "auto", 22)],
            items[0].GetProperty("children").EnumerateArray().Select(Head));
        Assert.Equal(("max_price", "0.5", 16), Head(items[1].GetProperty("children")[1]));
    }

    [Fact]
    public async Task Symbols_Ranges_WholeEntryWithTheKeySelected()
    {
        var symbols = await SymbolsAsync(ProfilesUri, Profiles);

        var profiles = symbols[0];
        Assert.Equal((0, 0, 5, 18), Range(profiles.GetProperty("range")));
        Assert.Equal((0, 0, 0, 8), Range(profiles.GetProperty("selectionRange")));
        var second = profiles.GetProperty("children")[1];
        Assert.Equal((4, 4, 5, 18), Range(second.GetProperty("range")));
        var spot = profiles.GetProperty("children")[0].GetProperty("children")[2];
        Assert.Equal((3, 4, 3, 21), Range(spot.GetProperty("range")));
        Assert.Equal((3, 4, 3, 15), Range(spot.GetProperty("selectionRange")));
    }

    [Fact]
    public async Task Symbols_RunConfiguration_CommandsPortsAndResources()
    {
        var text =
            "type: task\n" +
            "commands:\n" +
            "  - pip install -r requirements.txt && python -m torch.distributed.run --nproc-per-node 8 train.py\n" +
            "ports:\n  - \"8080:80\"\n  - 3000\n" +
            "resources:\n  gpu: A100:80GB:2\n  memory: 64GB..\n" +
            "volumes:\n  - name: [data-aws, data-gcp]\n    path: /data\n" +
            "env: {}\n";

        var symbols = (await SymbolsAsync(RunUri, text)).EnumerateArray().ToList();

        Assert.Equal([("type", "task", 22), ("commands", "1 item", 18), ("ports", "2 items", 18), ("resources", "gpu: A100:80GB:2, memory: 64GB..", 19), ("volumes", "1 item", 18), ("env", null, 19)], symbols.Select(Head));
        var command = Head(symbols[1].GetProperty("children")[0]);
        Assert.Equal("pip install -r requirements.txt && python -m torch.distribu…", command.Name);
        Assert.Equal(60, command.Name.Length);
        Assert.Equal([("8080:80", null, 15), ("3000", null, 16)], symbols[2].GetProperty("children").EnumerateArray().Select(Head));
        Assert.Equal(("data-aws, data-gcp", "path: /data", 2), Head(symbols[4].GetProperty("children")[0]));
        Assert.False(symbols[5].TryGetProperty("children", out _));
    }

    [Fact]
    public async Task Symbols_LongCommandWithAnEmojiAtTheCut_KeepsTheWholeEmoji()
    {
        // 58 letters, then 😀 (two UTF-16 units) at indexes 58 and 59: the usual cut after 59 units would keep half of it.
        var command = new string('a', 58) + "😀 and more";
        var text = $"type: task\ncommands:\n  - {command}\n";

        var symbols = (await SymbolsAsync(RunUri, text)).EnumerateArray().ToList();

        var name = Head(symbols[1].GetProperty("children")[0]).Name;
        Assert.Equal(new string('a', 58) + "…", name);
        Assert.DoesNotContain('\uFFFD', name);
    }

    [Fact]
    public async Task Symbols_FileThatDoesNotParse_IsEmpty()
    {
        var symbols = await SymbolsAsync(RunUri, "type: task\ncommands: [echo\nresources:\n  gpu: A100\n");

        Assert.Empty(symbols.EnumerateArray());
    }

    [Theory]
    [InlineData(40)]
    [InlineData(150)]
    public async Task Symbols_DeeplyNestedValue_StopAtTheOutlineDepthInsteadOfFailing(int levels)
    {
        // Each level of symbols is two levels of JSON; an outline 100 deep passed the serializer's limit of 64.
        var symbols = await SymbolsAsync(RunUri, "type: task\nenv: " + new string('[', levels) + new string(']', levels) + "\n");

        var depth = 0;
        for (var level = symbols[1]; level.TryGetProperty("children", out var children) && children.GetArrayLength() > 0; level = children[0])
        {
            depth++;
        }

        Assert.Equal("env", symbols[1].GetProperty("name").GetString());
        Assert.Equal(DocumentOutline.MaxDepth, depth);
    }

    [Fact]
    public async Task Symbols_DocumentNotOpen_IsEmpty()
    {
        await using var client = await TestClient.InitializedAsync();

        var symbols = await client.ResultAsync("textDocument/documentSymbol", new { textDocument = new { uri = RunUri } });

        Assert.Empty(symbols.EnumerateArray());
    }

    private static async Task<JsonElement> SymbolsAsync(string uri, string text)
    {
        await using var client = await TestClient.InitializedAsync();
        await client.NotifyAsync("textDocument/didOpen", DiagnosticsTests.Open(uri, text));
        return (await client.ResultAsync("textDocument/documentSymbol", new { textDocument = new { uri } })).Clone();
    }

    private static (string Name, string? Detail, int Kind) Head(JsonElement symbol) => (
        symbol.GetProperty("name").GetString()!,
        symbol.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
        symbol.GetProperty("kind").GetInt32());

    private static (int, int, int, int) Range(JsonElement range) => (
        range.GetProperty("start").GetProperty("line").GetInt32(),
        range.GetProperty("start").GetProperty("character").GetInt32(),
        range.GetProperty("end").GetProperty("line").GetInt32(),
        range.GetProperty("end").GetProperty("character").GetInt32());
}
