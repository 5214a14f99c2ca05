namespace GeneratedArm;

/// <summary>One page of a list: its values, the <c>nextLink</c> to continue from, and the HTTP response.</summary>
/// <typeparam name="T">The item model.</typeparam>
public class ArmPage<T>
{
    private readonly IReadOnlyList<T> _values = [];
    private readonly string? _continuationToken;
    private readonly ArmResponse _rawResponse = null!;

    /// <summary>Creates a page.</summary>
    /// <param name="values">The items of the page's <c>value</c> array.</param>
    /// <param name="continuationToken">The page's <c>nextLink</c>; <see langword="null"/> on the last page.</param>
    /// <param name="rawResponse">The HTTP response of the page.</param>
    public ArmPage(IReadOnlyList<T> values, string? continuationToken, ArmResponse rawResponse)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(rawResponse);
        _values = values;
        _continuationToken = continuationToken;
        _rawResponse = rawResponse;
    }

    /// <summary>For mocking: a subclass overrides the members it needs.</summary>
    protected ArmPage()
    {
    }

    /// <summary>The items of this page.</summary>
    public virtual IReadOnlyList<T> Values => _values;

    /// <summary>
    /// The page's <c>nextLink</c>: pass it to <see cref="ArmPageable{T}.AsPages(string?)"/> to continue from the next
    /// page (also in another process); <see langword="null"/> on the last page.
    /// </summary>
    public virtual string? ContinuationToken => _continuationToken;

    /// <summary>The HTTP response of this page.</summary>
    /// <returns>The raw response.</returns>
    public virtual ArmResponse GetRawResponse() => _rawResponse ?? throw new InvalidOperationException("This page was created for a mock without a raw response; override GetRawResponse.");
}
