using System.Runtime.CompilerServices;

namespace GeneratedArm;

/// <summary>
/// A list ARM returns page by page (<c>x-ms-pageable</c>): enumerate it for the items (pages are fetched lazily,
/// following <c>nextLink</c>), or call <see cref="AsPages(string?)"/> for the pages with their continuation tokens.
/// </summary>
/// <typeparam name="T">The item model.</typeparam>
public abstract class ArmPageable<T> : IAsyncEnumerable<T>
{
    /// <summary>For subclasses (and mocks).</summary>
    /// <param name="cancellationToken">Stops enumeration; combined with the token given to the enumerator.</param>
    protected ArmPageable(CancellationToken cancellationToken = default)
    {
        CancellationToken = cancellationToken;
    }

    /// <summary>The token given when the list was requested.</summary>
    protected virtual CancellationToken CancellationToken { get; }

    /// <summary>The pages, starting at <paramref name="continuationToken"/> (a page's <see cref="ArmPage{T}.ContinuationToken"/>) or at the first page.</summary>
    /// <param name="continuationToken">Where to continue; <see langword="null"/> for the first page.</param>
    /// <returns>The pages, fetched lazily.</returns>
    public abstract IAsyncEnumerable<ArmPage<T>> AsPages(string? continuationToken = null);

    /// <summary>Enumerates the items of every page.</summary>
    /// <param name="cancellationToken">Stops enumeration at once.</param>
    /// <returns>The enumerator.</returns>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var value in page.Values)
            {
                yield return value;
            }
        }
    }
}

/// <summary>Creates <see cref="ArmPageable{T}"/>s.</summary>
public static class ArmPageable
{
    /// <summary>A pageable over a function that fetches one page from a continuation token (<see langword="null"/> for the first page).</summary>
    /// <typeparam name="T">The item model.</typeparam>
    /// <param name="fetchPage">Fetches the page a token names; the page's own token names the next one.</param>
    /// <param name="cancellationToken">Stops enumeration.</param>
    /// <returns>The pageable.</returns>
    public static ArmPageable<T> FromPages<T>(Func<string?, CancellationToken, Task<ArmPage<T>>> fetchPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetchPage);
        return new FunctionPageable<T>(fetchPage, cancellationToken);
    }

    private sealed class FunctionPageable<T>(Func<string?, CancellationToken, Task<ArmPage<T>>> fetchPage, CancellationToken cancellationToken)
        : ArmPageable<T>(cancellationToken)
    {
        public override IAsyncEnumerable<ArmPage<T>> AsPages(string? continuationToken = null) => Pages(continuationToken, default);

        private async IAsyncEnumerable<ArmPage<T>> Pages(string? continuationToken, [EnumeratorCancellation] CancellationToken enumeratorToken)
        {
            using var linked = enumeratorToken.CanBeCanceled && CancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(enumeratorToken, CancellationToken)
                : null;
            var token = linked?.Token ?? (enumeratorToken.CanBeCanceled ? enumeratorToken : CancellationToken);
            var next = continuationToken;
            do
            {
                var page = await fetchPage(next, token).ConfigureAwait(false);
                yield return page;
                next = page.ContinuationToken;
            }
            while (next is not null);
        }
    }
}
