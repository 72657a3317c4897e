using Xunit.Abstractions;

namespace Dstack.LanguageServer.Tests.Hover;

public sealed class HoverScratchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scratch()
    {
        const string probe = "ty‸pe: task\nname: hover-probe\nno‸des: 2\npython: \"3.11\"\ncommands:\n  - python train.py\nreso‸urces:\n  g‸pu: A100:80GB:2\n  mem‸ory: 64GB..\nspot_po‸licy: auto\nmax_dur‸ation: 2h\n";
        foreach (var h in await HoverClient.AllAsync(probe))
        {
            output.WriteLine(h?.ToString() ?? "null");
            output.WriteLine("-----");
        }

        const string values = "type: ta‸sk\nnodes: ‸2\nresources:\n  gpu: A1‸00:80GB:2\n  memory: 16GB..6‸4GB\n  cpu: 4‸..\n  disk: 20‸0GB..\nspot_policy: au‸to\nmax_duration: 2‸h\nports:\n  - \"8080:‸80\"\n";
        foreach (var h in await HoverClient.AllAsync(values))
        {
            output.WriteLine(h?.GetProperty("contents").GetProperty("value").ToString() ?? "null");
            output.WriteLine("-----");
        }
    }
}
