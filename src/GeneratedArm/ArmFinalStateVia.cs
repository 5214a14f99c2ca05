namespace GeneratedArm;

/// <summary>
/// Where the result of a long-running operation is read once it has succeeded: the spec's
/// <c>x-ms-long-running-operation-options.final-state-via</c> (AutoRest extension documentation,
/// https://github.com/Azure/autorest/blob/main/docs/extensions/readme.md#x-ms-long-running-operation-options).
/// </summary>
public enum ArmFinalStateVia
{
    /// <summary>
    /// <c>location</c> (the default when the spec names none): the <c>Location</c> header of the first response if it had one;
    /// for PUT and PATCH without it, the original URI.
    /// </summary>
    Location,

    /// <summary><c>azure-async-operation</c>: for POST, the final status response itself; otherwise as <see cref="Location"/>.</summary>
    AzureAsyncOperation,

    /// <summary><c>original-uri</c>: a GET of the URI the operation was started on.</summary>
    OriginalUri,

    /// <summary><c>operation-location</c>: for POST, the final status response itself; otherwise as <see cref="Location"/>.</summary>
    OperationLocation,
}
