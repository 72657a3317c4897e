using System.Text;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A child process's stdout or stderr, read to its end on a thread of its own: independent of the thread pool, which
/// a busy test process may keep saturated long after the child has exited. Disposing the process ends the read.
/// </summary>
internal sealed class StreamText
{
    private readonly StringBuilder _text = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamText(StreamReader reader)
    {
        new Thread(() => Read(reader)) { IsBackground = true, Name = "StreamText" }.Start();
    }

    /// <summary>What was read so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Waits until the stream ended, at most <paramref name="limit"/> (none when it is negative); true when it did.</summary>
    public bool WaitForEnd(TimeSpan limit) => _ended.Task.Wait(limit > TimeSpan.Zero ? limit : TimeSpan.Zero);

    private void Read(StreamReader reader)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_text)
                {
                    _text.Append(buffer, 0, read);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was disposed while a background child still held the pipe: what came is kept.
        }
        finally
        {
            _ended.SetResult();
        }
    }
}
