namespace Dstack.LanguageServer.Transport;

/// <summary>
/// Both directions of a conversation with the client: the process's stdin and stdout, or in-memory streams for
/// tests. The connection owns neither stream; whoever opened them closes them.
/// </summary>
public sealed class Connection(Stream input, Stream output, int maxMessageBytes = MessageReader.DefaultMaxMessageBytes) : IDisposable
{
    public MessageReader Reader { get; } = new(input, maxMessageBytes);

    public MessageWriter Writer { get; } = new(output);

    /// <summary>
    /// The process's standard input and output. Nothing else may write to stdout: <see cref="Console.Out"/> is
    /// pointed at stderr, so that a stray <c>Console.WriteLine</c> cannot corrupt the protocol stream.
    /// </summary>
    public static Connection Stdio()
    {
        var input = new SynchronousStream(Console.OpenStandardInput());
        var output = new SynchronousStream(Console.OpenStandardOutput());
        Console.SetOut(Console.Error);
        return new Connection(input, output);
    }

    public void Dispose() => Writer.Dispose();
}
