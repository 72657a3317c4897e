using System.IO.Pipes;
using System.Text;
using Dstack.Runtime.Logs;
using Dstack.Runtime.Runs.Environment;

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

    /// <summary>With a hold far longer than the pauses, so that a loaded machine cannot stretch a pause past it.</summary>
    private Task<string> PumpAsync(SecretMasker? mask, TimeSpan pause, params byte[][] writes) => PumpAsync(mask, pause, TimeSpan.FromSeconds(10), writes);

    private async Task<string> PumpAsync(SecretMasker? mask, TimeSpan pause, TimeSpan holdTimeout, params byte[][] writes)
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using (var log = new JobLogWriter(_path))
        {
            var pump = new OutputPump(server, LogStream.Stdout, log, mask, holdTimeout).RunAsync();
            using (var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle))
            {
                foreach (var write in writes)
                {
                    client.Write(write);
                    client.Flush();
                    await Task.Delay(pause);
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
        var text = await PumpAsync(null, TimeSpan.FromMilliseconds(20), "line one\nhalf "u8.ToArray(), "line\n"u8.ToArray());

        Assert.Equal("line one\nhalf line\n", text);
    }

    [Fact]
    public async Task RunAsync_SecretSplitAcrossWrites_IsStillMasked()
    {
        var text = await PumpAsync(new SecretMasker(["hunter2-secret"]), TimeSpan.FromMilliseconds(20), "token=hunter2-"u8.ToArray(), "secret\nnext\n"u8.ToArray());

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("next\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PromptWithoutNewline_ShowsWhileThePipeIsStillOpen()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using var log = new JobLogWriter(_path);
        var pump = new OutputPump(server, LogStream.Stdout, log, new SecretMasker(["hunter2-secret"])).RunAsync();
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
        var text = await PumpAsync(new SecretMasker(["hunter2-secret"]), TimeSpan.FromMilliseconds(20), euro[..^2], [.. euro[^2..], (byte)'\n']);

        Assert.Equal("price: 5€\n", text);
    }

    [Fact]
    public async Task RunAsync_SecretWrittenInPiecesWithPausesShorterThanTheHold_IsMasked()
    {
        var text = await PumpAsync(new SecretMasker(["hunter2-secret"]), TimeSpan.FromMilliseconds(400), "token=hun"u8.ToArray(), "ter2-"u8.ToArray(), "secret next\n"u8.ToArray());

        Assert.Equal("token=*** next\n", text);
    }

    [Fact]
    public async Task RunAsync_HeldTailThatIsNoSecret_ShowsAfterTheHoldTimeoutWhileThePipeIsStillOpen()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using var log = new JobLogWriter(_path);
        var pump = new OutputPump(server, LogStream.Stdout, log, new SecretMasker(["hunter2-secret"])).RunAsync();
        using var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
        client.Write("who: hunter"u8);
        client.Flush();

        var shown = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        using var reader = new JobLogReader(_path);
        while (!shown.EndsWith("hunter", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            shown += string.Concat(reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));
        }

        Assert.Equal("who: hunter", shown);
        Assert.False(pump.IsCompleted);
        client.Dispose();
        server.DisposeLocalCopyOfClientHandle();
        await pump.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
