using System.IO.Pipes;
using System.Text;
using Dstack.Runtime.Logs;

namespace Dstack.Runtime.Tests.Logs;

[Trait("Category", "Fast")]
public sealed class OutputPumpTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "dstack-pump-" + Guid.NewGuid().ToString("N")[..12], "job-0.log");

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(_path)))
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
    }

    private async Task<string> PumpAsync(Func<string, string>? mask, params byte[][] writes)
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using (var log = new JobLogWriter(_path))
        {
            var pump = new OutputPump(server, LogStream.Stdout, log, mask).RunAsync();
            using (var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle))
            {
                foreach (var write in writes)
                {
                    client.Write(write);
                    client.Flush();
                    await Task.Delay(20);
                }
            }

            server.DisposeLocalCopyOfClientHandle();
            await pump.WaitAsync(TimeSpan.FromSeconds(10));
        }

        using var reader = new JobLogReader(_path);
        return string.Concat(reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));
    }

    [Fact]
    public async Task RunAsync_WithoutSecrets_CopiesEveryByte()
    {
        var text = await PumpAsync(null, "line one\nhalf "u8.ToArray(), "line\n"u8.ToArray());

        Assert.Equal("line one\nhalf line\n", text);
    }

    [Fact]
    public async Task RunAsync_SecretSplitAcrossWrites_IsStillMasked()
    {
        var text = await PumpAsync(t => t.Replace("hunter2-secret", "***", StringComparison.Ordinal), "token=hunter2-"u8.ToArray(), "secret\nnext\n"u8.ToArray());

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("next\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PromptWithoutNewline_ShowsWhileThePipeIsStillOpen()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using var log = new JobLogWriter(_path);
        var pump = new OutputPump(server, LogStream.Stdout, log, t => t.Replace("hunter2-secret", "***", StringComparison.Ordinal)).RunAsync();
        using var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
        client.Write("Continue? [y/n] "u8);
        client.Flush();

        var shown = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        using var reader = new JobLogReader(_path);
        while (shown.Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            shown += string.Concat(reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));
        }

        Assert.Equal("Continue? [y/n] ", shown);
        Assert.False(pump.IsCompleted);
        client.Dispose();
        server.DisposeLocalCopyOfClientHandle();
        await pump.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_CharacterSplitAcrossWrites_IsNotBroken()
    {
        var euro = Encoding.UTF8.GetBytes("price: 5€");
        var text = await PumpAsync(t => t, euro[..^2], [.. euro[^2..], (byte)'\n']);

        Assert.Equal("price: 5€\n", text);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, 1)]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82, 0xAC }, 4)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, 0)]
    [InlineData(new byte[] { 0x61, 0x62 }, 2)]
    public void CompleteUtf8Length_StopsBeforeAnUnfinishedCharacter(byte[] bytes, int expected)
    {
        Assert.Equal(expected, OutputPump.CompleteUtf8Length(bytes));
    }
}
