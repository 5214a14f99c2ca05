namespace GeneratedArm.Identity;

/// <summary>
/// A managed-identity token could not be obtained. Carries IMDS's HTTP status, its <c>error</c> and
/// <c>error_description</c>, and a plain-language <see cref="Hint"/>. The message never contains a token.
/// </summary>
public class ManagedIdentityException : Exception
{
    /// <summary>Creates an exception with a message only.</summary>
    public ManagedIdentityException()
        : this("A managed-identity token could not be obtained.")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public ManagedIdentityException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ManagedIdentityException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Hint = message;
    }

    /// <summary>Creates an exception describing an IMDS failure.</summary>
    /// <param name="hint">What went wrong, in plain language, and what to check.</param>
    /// <param name="status">The HTTP status IMDS answered with, if it answered.</param>
    /// <param name="error">IMDS's <c>error</c> field, if any.</param>
    /// <param name="errorDescription">IMDS's <c>error_description</c> field, if any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ManagedIdentityException(string hint, int? status, string? error, string? errorDescription, Exception? innerException = null)
        : base(BuildMessage(hint, status, error, errorDescription), innerException)
    {
        Hint = hint;
        Status = status;
        Error = error;
        ErrorDescription = errorDescription;
    }

    /// <summary>The HTTP status of IMDS's last answer; <see langword="null"/> when IMDS did not answer.</summary>
    public int? Status { get; }

    /// <summary>IMDS's <c>error</c> code (e.g. <c>invalid_request</c>), if it sent one.</summary>
    public string? Error { get; }

    /// <summary>IMDS's <c>error_description</c> (e.g. <c>Identity not found</c>), if it sent one.</summary>
    public string? ErrorDescription { get; }

    /// <summary>What went wrong and what to check, in plain language.</summary>
    public string Hint { get; }

    private static string BuildMessage(string hint, int? status, string? error, string? errorDescription)
    {
        if (status is null && error is null && errorDescription is null)
        {
            return hint;
        }

        var details = new System.Text.StringBuilder(hint.Length + 96).Append(hint).Append(" (");
        if (status is { } s)
        {
            details.Append("HTTP ").Append(s);
        }

        if (error is not null)
        {
            details.Append(status is null ? string.Empty : ", ").Append("error '").Append(error).Append('\'');
        }

        if (errorDescription is not null)
        {
            details.Append(status is null && error is null ? string.Empty : ": ").Append(errorDescription);
        }

        return details.Append(')').ToString();
    }
}
