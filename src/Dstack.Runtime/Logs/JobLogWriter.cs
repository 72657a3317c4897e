using System.Buffers.Binary;

namespace Dstack.Runtime.Logs;

/// <summary>
/// Appends a job's output to its log file as frames: one byte for the stream, four bytes (little-endian) for the
/// length, then the bytes. Frames keep stdout and stderr apart yet in the order they arrived, and a reader that
/// meets a frame still being written waits for the rest instead of showing half of it. Other processes may read
/// the file while it grows.
/// </summary>
public sealed class JobLogWriter : IDisposable
{
    public const int HeaderSize = 5;

    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private byte[] _frame = new byte[64 * 1024 + HeaderSize];

    public JobLogWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>Writes one frame with a single write call, so readers in other processes see whole frames or a prefix of one.</summary>
    public void Write(LogStream stream, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            if (_frame.Length < data.Length + HeaderSize)
            {
                _frame = new byte[data.Length + HeaderSize];
            }

            _frame[0] = (byte)stream;
            BinaryPrimitives.WriteInt32LittleEndian(_frame.AsSpan(1), data.Length);
            data.CopyTo(_frame.AsSpan(HeaderSize));
            _file.Write(_frame, 0, data.Length + HeaderSize);
        }
    }

    /// <summary>Writes a line from dstack itself (an event), ending it with a newline.</summary>
    public void WriteEvent(string line) => Write(LogStream.Event, System.Text.Encoding.UTF8.GetBytes(line.EndsWith('\n') ? line : line + "\n"));

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }
}
