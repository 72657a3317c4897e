using System.Buffers.Binary;

namespace Dstack.Runtime.Logs;

/// <summary>
/// Reads a log written by <see cref="JobLogWriter"/>, from the start; read again, it returns what was added since. A frame
/// whose bytes are not all there yet is left for the next read, so nothing is shown twice, half, or out of order.
/// </summary>
public sealed class JobLogReader : IDisposable
{
    private const int MaxFrame = 64 * 1024 * 1024;

    private readonly string _path;
    private FileStream? _file;
    private byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    public JobLogReader(string path) => _path = path;

    /// <summary>The frames written so far (none when the file does not exist yet).</summary>
    public IEnumerable<LogChunk> ReadAvailable()
    {
        if (!TryOpen())
        {
            yield break;
        }

        while (true)
        {
            if (TryTakeFrame(out var chunk))
            {
                yield return chunk;
                continue;
            }

            if (!Fill())
            {
                yield break;
            }
        }
    }

    public void Dispose() => _file?.Dispose();

    private bool TryOpen()
    {
        if (_file is not null)
        {
            return true;
        }

        try
        {
            _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private bool TryTakeFrame(out LogChunk chunk)
    {
        chunk = default;
        var available = _end - _start;
        if (available < JobLogWriter.HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start + 1));
        var stream = (LogStream)_buffer[_start];
        if (length is < 0 or > MaxFrame || stream is not (LogStream.Stdout or LogStream.Stderr or LogStream.Event))
        {
            throw new InvalidDataException($"{_path}: the log file is damaged at byte {(_file?.Position ?? 0) - available}; it was not written by dstack, or was edited");
        }

        if (available < JobLogWriter.HeaderSize + length)
        {
            if (_buffer.Length < JobLogWriter.HeaderSize + length)
            {
                Array.Resize(ref _buffer, JobLogWriter.HeaderSize + length);
            }

            return false;
        }

        // A copy, so the caller may keep the bytes while the buffer is reused.
        chunk = new LogChunk(stream, _buffer.AsSpan(_start + JobLogWriter.HeaderSize, length).ToArray());
        _start += JobLogWriter.HeaderSize + length;
        return true;
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _file!.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }
}
