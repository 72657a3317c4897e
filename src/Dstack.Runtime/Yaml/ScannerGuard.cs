using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dstack.Runtime.Yaml;

/// <summary>
/// YamlDotNet's parser with one failure made recognisable: its scanner throws a plain
/// <see cref="InvalidOperationException"/> (not a <see cref="YamlException"/>) for some broken plain values inside
/// <c>[...]</c> or <c>{...}</c>. Only an exception raised while the parser reads the next event becomes a
/// <see cref="ScannerFailure"/>, so the reader tells it apart from its own bugs without reflection on the exception
/// (which Native AOT cannot do).
/// </summary>
internal sealed class ScannerGuard(IParser inner) : IParser
{
    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        try
        {
            return inner.MoveNext();
        }
        catch (InvalidOperationException e)
        {
            throw new ScannerFailure(e);
        }
    }

    /// <summary>The scanner failed on text it cannot read; <see cref="Exception.InnerException"/> is its exception.</summary>
    internal sealed class ScannerFailure(InvalidOperationException inner) : Exception(inner.Message, inner);
}
