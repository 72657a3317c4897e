namespace Dstack.LanguageServer.Protocol;

/// <summary>The first <c>$/progress</c> value of a piece of work: the client shows <paramref name="Title"/> from now on.</summary>
/// <param name="Title">What is being done, in a few words (<c>Validating</c>).</param>
/// <param name="Message">More detail, which later reports replace.</param>
/// <param name="Percentage">0 to 100; absent when the amount of work is not known.</param>
/// <param name="Cancellable">False: this server cancels work through <c>$/cancelRequest</c>, not through the progress.</param>
public sealed record WorkDoneProgressBegin(string Title, string? Message = null, int? Percentage = null, bool Cancellable = false)
{
    public string Kind => "begin";
}
