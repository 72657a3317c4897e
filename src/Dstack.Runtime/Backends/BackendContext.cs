using Dstack.Runtime.Probes;

namespace Dstack.Runtime.Backends;

/// <summary>
/// What every backend is made with, the same for all: how slow facts are learnt (<see cref="Probes"/>: the CLI probes
/// when asked, the editor answers with the latest answer and probes in the background), and what a test puts in place
/// of what a backend would learn itself. Each <see cref="BackendRegistration"/> takes from it what it needs.
/// </summary>
/// <param name="probes">How slow facts are learnt.</param>
/// <param name="replacements">Objects backends take instead of learning them (<see cref="Replacement{T}"/>); none outside tests.</param>
public sealed class BackendContext(IProbes probes, params IReadOnlyList<object> replacements)
{
    public IProbes Probes { get; } = probes;

    /// <summary>Objects backends take instead of learning them, each found by its type (a test's fake facts of this machine).</summary>
    public IReadOnlyList<object> Replacements { get; } = replacements;

    /// <summary>Probes now, on the caller's thread (the CLI), with <paramref name="replacements"/> (tests).</summary>
    public static BackendContext Synchronous(params IReadOnlyList<object> replacements) => new(new SynchronousProbes(), replacements);

    /// <summary>The replacement of type <typeparamref name="T"/>, or null: the backend learns it itself.</summary>
    public T? Replacement<T>()
        where T : class => Replacements.OfType<T>().FirstOrDefault();
}
