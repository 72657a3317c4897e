namespace Dstack.Runtime.Services;

/// <summary>A replica failed a request before answering while its port still answers: the request may have reached its app, so it was not sent to another.</summary>
internal sealed class ReplicaFailedException(int replica, Exception inner)
    : IOException($"replica {replica} failed the request ({inner.GetBaseException().Message})", inner)
{
    /// <summary>The replica's number.</summary>
    public int Replica { get; } = replica;

    /// <summary>What failed, innermost (the socket's or the stream's words).</summary>
    public string Reason => InnerException!.GetBaseException().Message;
}
