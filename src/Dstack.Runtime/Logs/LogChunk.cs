namespace Dstack.Runtime.Logs;

/// <summary>Bytes a job wrote, in the order the controller received them, with the stream they came from.</summary>
public readonly record struct LogChunk(LogStream Stream, ReadOnlyMemory<byte> Data);
