using System.Text;
using Dstack.Runtime.Logs;

namespace Dstack.Runtime.Tests.Logs;

[Trait("Category", "Fast")]
public sealed class JobLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "dstack-log-" + Guid.NewGuid().ToString("N")[..12], "job-0.log");

    public void Dispose()
    {
        var folder = Path.GetDirectoryName(_path)!;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ReadAvailable_FramesFromBothStreams_KeepOrderAndStream()
    {
        using (var writer = new JobLogWriter(_path))
        {
            writer.Write(LogStream.Stdout, "one\n"u8);
            writer.Write(LogStream.Stderr, "two\n"u8);
            writer.WriteEvent("dstack: three");
            writer.Write(LogStream.Stdout, "four"u8);
        }

        using var reader = new JobLogReader(_path);
        var chunks = reader.ReadAvailable().Select(c => (c.Stream, Encoding.UTF8.GetString(c.Data.Span))).ToList();

        Assert.Equal([(LogStream.Stdout, "one\n"), (LogStream.Stderr, "two\n"), (LogStream.Event, "dstack: three\n"), (LogStream.Stdout, "four")], chunks);
    }

    [Fact]
    public void ReadAvailable_HalfWrittenFrame_WaitsForTheRest()
    {
        using var writer = new JobLogWriter(_path);
        writer.Write(LogStream.Stdout, "complete"u8);
        // Append only the header and part of a frame, as a reader may see mid-write.
        using (var raw = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            raw.Write([1, 11, 0, 0, 0, (byte)'p', (byte)'a']);
        }

        using var reader = new JobLogReader(_path);
        Assert.Equal(["complete"], reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));

        using (var raw = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            raw.Write("rtial-end"u8);
        }

        Assert.Equal(["partial-end"], reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));
    }

    [Fact]
    public void ReadAvailable_MissingFile_YieldsNothing()
    {
        using var reader = new JobLogReader(_path + ".missing");

        Assert.Empty(reader.ReadAvailable());
    }

    [Fact]
    public void ReadAvailable_DamagedFile_ThrowsNamingTheFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllBytes(_path, [9, 1, 0, 0, 0, 65]);
        using var reader = new JobLogReader(_path);

        var error = Assert.Throws<InvalidDataException>(() => reader.ReadAvailable().ToList());

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAvailable_WhileAnotherThreadWrites_DeliversEveryByteInOrder()
    {
        const int Frames = 2000;
        var finished = false;
        using var writer = new JobLogWriter(_path);
        var produce = Task.Run(() =>
        {
            for (var i = 0; i < Frames; i++)
            {
                writer.Write(i % 3 == 0 ? LogStream.Stderr : LogStream.Stdout, Encoding.UTF8.GetBytes($"line {i}\n"));
            }

            Volatile.Write(ref finished, true);
        });

        using var reader = new JobLogReader(_path);
        var lines = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            // Read "finished" before the pass, as RunFollower does: what was written before it is in this pass.
            var done = Volatile.Read(ref finished);
            lines.AddRange(reader.ReadAvailable().Select(c => Encoding.UTF8.GetString(c.Data.Span)));
            if (done)
            {
                break;
            }

            await Task.Delay(5);
        }

        await produce;
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => $"line {i}\n"), lines);
    }
}
