using System.Text.Json;
using Dstack.LanguageServer.Tests.Support;
using static Dstack.LanguageServer.Tests.Handlers.DiagnosticsTests;

namespace Dstack.LanguageServer.Tests.Handlers;

/// <summary><c>textDocument/codeLens</c>: Run, Validate and the offers summary on the <c>type:</c> line of a run configuration.</summary>
[Trait("Category", "Fast")]
public sealed class CodeLensTests
{
    private const string Uri = "file:///work/project/train.dstack.yml";

    [Fact]
    public async Task CodeLens_ValidTask_RunValidateAndOneOfferOnTheTypeLine()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, "# a task\nname: hello\ntype: task\ncommands: [echo hi]\n");

        var lenses = await LensesAsync(client, Uri);

        Assert.Equal(["▶ Run", "✓ Validate", "1 offer: local, free"], lenses.Select(Title));
        Assert.Equal(["dstack.run", "dstack.validate", "dstack.showOffers"], lenses.Select(l => l.GetProperty("command").GetProperty("command").GetString()));
        Assert.All(lenses, l => Assert.Equal([Uri], l.GetProperty("command").GetProperty("arguments").EnumerateArray().Select(a => a.GetString())));
        Assert.All(lenses, l => Assert.Equal((2, 0, 2, 10), Range(l)));
    }

    [Theory]
    [InlineData("dev-environment", "ide: vscode\n", "▶ Run dev environment")]
    [InlineData("service", "commands: [serve]\nport: 8000\n", "▶ Run service")]
    public async Task CodeLens_OtherRunTypes_HaveLensesToo_NamedForTheirType(string type, string rest, string run)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, $"type: {type}\n{rest}");

        Assert.Equal([run, "✓ Validate", "1 offer: local, free"], (await LensesAsync(client, Uri)).Select(Title));
    }

    [Fact]
    public async Task CodeLens_GpuTheMachineLacks_NoOffersNamesTheNeed()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table(TestMachines.NoGpu));
        await OpenAsync(client, Uri, "type: task\ncommands: [train]\nresources:\n  gpu: A100:80GB:2\n");

        var offers = Title((await LensesAsync(client, Uri))[2]);

        Assert.Equal("no offers: gpu: needs 2xA100 (80GB), the machine has no GPU (nvidia-smi found none)", offers);
    }

    [Fact]
    public async Task CodeLens_GpuTheMachineHas_OneOffer()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table(TestMachines.OneRtx4090));
        await OpenAsync(client, Uri, "type: task\ncommands: [train]\nresources:\n  gpu: 24GB\n  memory: 16GB..\n");

        Assert.Equal("1 offer: local, free", Title((await LensesAsync(client, Uri))[2]));
    }

    [Fact]
    public async Task CodeLens_SeveralUnmetRequirements_AllNamed()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table(TestMachines.OneRtx4090));
        await OpenAsync(client, Uri, "type: task\ncommands: [train]\nspot_policy: spot\nresources:\n  cpu: 64..\n  gpu: H100\n");

        var offers = Title((await LensesAsync(client, Uri))[2]);

        Assert.Equal(
            "no offers: cpu: needs 64.. CPUs, the machine has 8; gpu: needs 1xH100, the machine has 1xRTX4090 (24GB); spot_policy: spot asks for spot instances, and this machine is on-demand",
            offers);
    }

    [Fact]
    public async Task CodeLens_Volumes_NoOffersAsDstackRunRefuses()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, "type: task\ncommands: [train]\nvolumes:\n  - /data:/data\n");

        Assert.Equal("no offers: volumes: instance volumes need image: (this machine runs the commands itself)", Title((await LensesAsync(client, Uri))[2]));
    }

    [Fact]
    public async Task CodeLens_DefaultProfileBesideTheDocument_ItsBackendsApply()
    {
        var project = Directory.CreateTempSubdirectory("dstack-ls-lens-");
        try
        {
            var profiles = Path.Combine(project.FullName, ".dstack", "profiles.yml");
            Directory.CreateDirectory(Path.GetDirectoryName(profiles)!);
            File.WriteAllText(profiles, "profiles:\n  - name: cloud\n    default: true\n    backends: [aws]\n");
            var uri = new System.Uri(Path.Combine(project.FullName, "train.dstack.yml")).AbsoluteUri;
            await using var client = await TestClient.InitializedAsync(TestMachines.Table());
            await OpenAsync(client, uri, "type: task\ncommands: [train]\n");
            await OpenAsync(client, Uri, "type: task\ncommands: [train]\n");

            Assert.Equal(
                "no offers: backends [aws] excludes the local backend, the only one configured here; add local to backends, or pass -b local",
                Title((await LensesAsync(client, uri))[2]));
            Assert.Equal("1 offer: local, free", Title((await LensesAsync(client, Uri))[2]));
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("type: task\ncommands: [a]\nresources:\n  memory: 80GB..40GB\n", "fix 1 error to see offers")]
    [InlineData("type: task\ncommands: [a]\nnmae: x\nresources:\n  memory: 80GB..40GB\n", "fix 2 errors to see offers")]
    [InlineData("type: task\n", "fix 1 error to see offers")]
    public async Task CodeLens_FileWithErrors_SaysHowManyToFix(string text, string expected)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, text);

        Assert.Equal(["▶ Run", "✓ Validate", expected], (await LensesAsync(client, Uri)).Select(Title));
    }

    [Theory]
    [InlineData("file:///work/project/.dstack/profiles.yml", "profiles:\n  - name: big\n    default: true\n")]
    [InlineData(Uri, "commands: [a]\n")]
    [InlineData(Uri, "type: tsak\ncommands: [a]\n")]
    [InlineData(Uri, "type: fleet\nnodes: 2\n")]
    [InlineData(Uri, "- a list\n")]
    public async Task CodeLens_NothingToRun_NoLenses(string uri, string text)
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, uri, text);

        Assert.Empty(await LensesAsync(client, uri));
    }

    [Fact]
    public async Task CodeLens_DocumentNotOpen_NoLenses()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());

        Assert.Empty(await LensesAsync(client, "file:///work/project/closed.dstack.yml"));
    }

    [Fact]
    public async Task CodeLens_AfterAFix_TheSummaryFollowsTheText()
    {
        await using var client = await TestClient.InitializedAsync(TestMachines.Table());
        await OpenAsync(client, Uri, "type: task\ncommands: [a]\nresources:\n  memory: 80GB..40GB\n");
        Assert.Equal("fix 1 error to see offers", Title((await LensesAsync(client, Uri))[2]));

        await client.NotifyAsync("textDocument/didChange", Change(Uri, 2, (3, 10, 3, 20, "8GB..16GB")));
        await client.DiagnosticsAsync(Uri, 2);

        Assert.Equal("1 offer: local, free", Title((await LensesAsync(client, Uri))[2]));
    }

    internal static async Task OpenAsync(TestClient client, string uri, string text)
    {
        await client.NotifyAsync("textDocument/didOpen", Open(uri, text));
        await client.DiagnosticsAsync(uri, 1);
    }

    internal static async Task<IReadOnlyList<JsonElement>> LensesAsync(TestClient client, string uri) =>
        [.. (await client.ResultAsync("textDocument/codeLens", new { textDocument = new { uri } })).EnumerateArray()];

    internal static string Title(JsonElement lens) => lens.GetProperty("command").GetProperty("title").GetString()!;

    private static (int, int, int, int) Range(JsonElement lens)
    {
        var range = lens.GetProperty("range");
        return (range.GetProperty("start").GetProperty("line").GetInt32(), range.GetProperty("start").GetProperty("character").GetInt32(),
            range.GetProperty("end").GetProperty("line").GetInt32(), range.GetProperty("end").GetProperty("character").GetInt32());
    }
}
