using System.Collections.Concurrent;
using GeneratedArm.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeneratedArm.Identity;

/// <summary>
/// Gets tokens for a VM's managed identity from the Azure Instance Metadata Service (IMDS) and caches them.
/// Thread-safe; create one per identity and reuse it.
/// </summary>
/// <remarks>
/// <para>Caching: one entry per resource (the identity is fixed per instance, so the cache is per (identity,
/// resource)). A cached token is returned without awaiting anything until its <see cref="AccessToken.RefreshOn"/>;
/// from then until shortly before expiry the current token is still returned while one background request fetches
/// its replacement; after that, callers wait for the new token. Concurrent callers share one in-flight request.</para>
/// <para>The cached path reads one immutable snapshot with a volatile read and returns a completed
/// <see cref="ValueTask{TResult}"/>: no lock, no allocation, no async state machine.</para>
/// </remarks>
public class ManagedIdentityCredential : TokenCredential, IDisposable
{
    private readonly ImdsTokenClient? _imds;
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
    private readonly ILogger _logger;
    private readonly TimeSpan _safetyMargin;
    private readonly TimeSpan _refreshRetryInterval;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<string, LastLookup> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CacheEntry> _byResource = new(StringComparer.Ordinal);
    private volatile LastLookup? _last;

    /// <summary>Creates a credential for the identity and IMDS endpoint in <paramref name="options"/>.</summary>
    /// <param name="options">Options; <see langword="null"/> for the system-assigned identity at the default endpoint.</param>
    public ManagedIdentityCredential(ManagedIdentityCredentialOptions? options = null)
    {
        options ??= new ManagedIdentityCredentialOptions();
        _time = options.TimeProvider ?? TimeProvider.System;
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _logger = (ILogger?)options.LoggerFactory?.CreateLogger(GeneratedArmDiagnostics.CredentialLoggerCategory) ?? NullLogger.Instance;
        _safetyMargin = options.ExpirySafetyMargin < TimeSpan.Zero ? TimeSpan.Zero : options.ExpirySafetyMargin;
        _refreshRetryInterval = options.RefreshRetryInterval < TimeSpan.Zero ? TimeSpan.Zero : options.RefreshRetryInterval;
        _imds = new ImdsTokenClient(options, _logger);
    }

    /// <summary>For mocking only: a credential with no IMDS client. Override <see cref="GetTokenAsync"/>.</summary>
    protected ManagedIdentityCredential()
    {
        _time = TimeProvider.System;
        _logger = NullLogger.Instance;
    }

    /// <summary>The IMDS base address in use.</summary>
    public Uri? Endpoint => _imds?.Endpoint;

    /// <summary>The identity tokens are requested for.</summary>
    public ManagedIdentityId Identity => _imds?.Identity ?? ManagedIdentityId.SystemAssigned;

    /// <summary>
    /// Gets a token for <paramref name="resourceOrScope"/> (<c>https://management.azure.com/</c> or
    /// <c>https://management.azure.com/.default</c>), from the cache when it holds a fresh one.
    /// </summary>
    /// <param name="resourceOrScope">A resource (App ID URI) or a <c>/.default</c> scope; see <see cref="TokenCredential.ScopeToResource"/>.</param>
    /// <param name="cancellationToken">Stops waiting at once (a shared request goes on for other callers).</param>
    /// <returns>The token.</returns>
    /// <exception cref="ManagedIdentityException">IMDS could not provide a token.</exception>
    public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default)
    {
        var last = _last;
        var entry = last is not null && (ReferenceEquals(last.Key, resourceOrScope) || string.Equals(last.Key, resourceOrScope, StringComparison.Ordinal))
            ? last.Entry
            : Lookup(resourceOrScope);

        var snapshot = entry.Current;
        if (snapshot is not null)
        {
            if (_systemClock)
            {
                // Environment.TickCount64 is several times cheaper than reading the wall clock; snapshot deadlines
                // are converted to it when the token arrives. (A suspended VM's tick count may lag; a stale token
                // then meets ARM's 401 challenge, which ArmClient answers with RefreshTokenAsync.)
                var tick = Environment.TickCount64;
                if (tick < snapshot.RefreshTick)
                {
                    return new ValueTask<AccessToken>(snapshot.Token);
                }

                if (tick < snapshot.UsableTick)
                {
                    StartBackgroundRefresh(entry, snapshot, _time.GetUtcNow());
                    return new ValueTask<AccessToken>(snapshot.Token);
                }
            }
            else
            {
                var now = _time.GetUtcNow();
                if (now < snapshot.RefreshOn)
                {
                    return new ValueTask<AccessToken>(snapshot.Token);
                }

                if (now < snapshot.UsableUntil)
                {
                    StartBackgroundRefresh(entry, snapshot, now);
                    return new ValueTask<AccessToken>(snapshot.Token);
                }
            }
        }

        return new ValueTask<AccessToken>(WaitForTokenAsync(entry, null, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<AccessToken> RefreshTokenAsync(string resourceOrScope, AccessToken rejectedToken, CancellationToken cancellationToken = default)
    {
        var entry = Lookup(resourceOrScope);
        return new ValueTask<AccessToken>(WaitForTokenAsync(entry, rejectedToken.Token, cancellationToken));
    }

    /// <summary>Stops background refreshes and releases the HTTP client the credential owns.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _imds?.Dispose();
        }
    }

    private CacheEntry Lookup(string resourceOrScope)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceOrScope);
        if (!_byKey.TryGetValue(resourceOrScope, out var lookup))
        {
            var resource = ScopeToResource(resourceOrScope);
            var entry = _byResource.GetOrAdd(resource, static (r, self) => new CacheEntry(r, self._imds?.BuildRequestUri(r)), this);
            lookup = _byKey.GetOrAdd(resourceOrScope, new LastLookup(resourceOrScope, entry));
        }

        // Alternating between resources costs a dictionary lookup, never an allocation.
        _last = lookup;
        return lookup.Entry;
    }

    private void StartBackgroundRefresh(CacheEntry entry, Snapshot seen, DateTimeOffset now)
    {
        if (entry.Pending is not null || now < entry.NextBackgroundAttempt)
        {
            return;
        }

        lock (entry)
        {
            // A refresh that finished since the caller read its snapshot has already replaced it: nothing to do.
            if (entry.Pending is not null || now < entry.NextBackgroundAttempt || !ReferenceEquals(entry.Current, seen))
            {
                return;
            }

            // The background request holds a permanent "waiter" so cancelling callers never cancel it.
            var flight = StartFlight(entry, background: true);
            flight.Waiters = 1;
        }
    }

    private async Task<AccessToken> WaitForTokenAsync(CacheEntry entry, string? rejectedToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        Flight flight;
        lock (entry)
        {
            var snapshot = entry.Current;
            if (rejectedToken is not null && snapshot is not null && string.Equals(snapshot.Token.Token, rejectedToken, StringComparison.Ordinal))
            {
                entry.Current = snapshot = null;
            }

            if (snapshot is not null && IsUsable(snapshot))
            {
                return snapshot.Token;
            }

            flight = entry.Pending is { Finished: false } pending && !pending.Cancellation.IsCancellationRequested ? pending : StartFlight(entry, background: false);
            flight.Waiters++;
        }

        var cancelled = false;
        try
        {
            return await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            throw;
        }
        finally
        {
            Leave(entry, flight, cancelled);
        }
    }

    /// <summary>Starts one IMDS request for <paramref name="entry"/>. Caller holds the entry's lock.</summary>
    private Flight StartFlight(CacheEntry entry, bool background)
    {
        var flight = new Flight(CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token));
        entry.Pending = flight;
        // Run on the thread pool: outside the caller's lock (a synchronously completing transport cannot re-enter it
        // mid-update) and outside any caller's synchronization context.
        flight.Task = Task.Run(() => FetchAsync(entry, flight, background));
        if (background)
        {
            // Nobody may await a background refresh: observe its failure so it is not reported as unobserved.
            _ = flight.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return flight;
    }

    private async Task<AccessToken> FetchAsync(CacheEntry entry, Flight flight, bool background)
    {
        try
        {
            var token = await _imds!.RequestTokenAsync(entry.Resource, entry.RequestUri!, flight.Cancellation.Token).ConfigureAwait(false);
            var usableUntil = token.ExpiresOn - _safetyMargin;
            entry.Current = new Snapshot(token, token.RefreshOn < usableUntil ? token.RefreshOn : usableUntil, usableUntil, _time.GetUtcNow());
            return token;
        }
        catch (Exception ex) when (background && ex is not OperationCanceledException)
        {
            lock (entry)
            {
                entry.NextBackgroundAttempt = _time.GetUtcNow() + _refreshRetryInterval;
            }

            if (entry.Current is { } current)
            {
                Log.BackgroundRefreshFailed(_logger, entry.Resource, current.Token.ExpiresOn, ex.Message);
            }

            throw;
        }
        finally
        {
            lock (entry)
            {
                if (ReferenceEquals(entry.Pending, flight))
                {
                    entry.Pending = null;
                }

                flight.Finished = true;
            }

            flight.Cancellation.Dispose();
        }
    }

    private static void Leave(CacheEntry entry, Flight flight, bool cancelled)
    {
        var cancelFlight = false;
        lock (entry)
        {
            flight.Waiters--;
            if (cancelled && flight.Waiters == 0 && !flight.Finished)
            {
                // Every waiter gave up: stop the request rather than retrying for nobody.
                cancelFlight = true;
                if (ReferenceEquals(entry.Pending, flight))
                {
                    entry.Pending = null;
                }
            }
        }

        if (cancelFlight)
        {
            try
            {
                flight.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished between the check and the cancel: nothing to stop.
            }
        }
    }

    private bool IsUsable(Snapshot snapshot) =>
        _systemClock ? Environment.TickCount64 < snapshot.UsableTick : _time.GetUtcNow() < snapshot.UsableUntil;

    /// <summary>An immutable view of the cached token, swapped atomically.</summary>
    private sealed class Snapshot
    {
        public readonly AccessToken Token;
        public readonly DateTimeOffset RefreshOn;
        public readonly DateTimeOffset UsableUntil;

        /// <summary><see cref="RefreshOn"/> and <see cref="UsableUntil"/> on the <see cref="Environment.TickCount64"/> scale.</summary>
        public readonly long RefreshTick;
        public readonly long UsableTick;

        public Snapshot(AccessToken token, DateTimeOffset refreshOn, DateTimeOffset usableUntil, DateTimeOffset now)
        {
            Token = token;
            RefreshOn = refreshOn;
            UsableUntil = usableUntil;
            var tick = Environment.TickCount64;
            RefreshTick = tick + Milliseconds(refreshOn - now);
            UsableTick = tick + Milliseconds(usableUntil - now);
        }

        private static long Milliseconds(TimeSpan span) =>
            span <= TimeSpan.Zero ? long.MinValue / 2 : (long)Math.Min(span.TotalMilliseconds, long.MaxValue / 4);
    }

    private sealed class CacheEntry(string resource, Uri? requestUri)
    {
        public readonly string Resource = resource;
        public readonly Uri? RequestUri = requestUri;
        public volatile Snapshot? Current;
        public volatile Flight? Pending;
        public DateTimeOffset NextBackgroundAttempt;
    }

    private sealed class Flight(CancellationTokenSource cancellation)
    {
        public readonly CancellationTokenSource Cancellation = cancellation;
        public Task<AccessToken> Task = null!;
        public int Waiters;
        public bool Finished;
    }

    private sealed class LastLookup(string key, CacheEntry entry)
    {
        public readonly string Key = key;
        public readonly CacheEntry Entry = entry;
    }
}
