"""Small security hooks the settings point at."""


def no_client_address(request):
    """django-axes asks for the client's address to record with each failed login: give none.

    Lock-outs are counted by username; no address is ever stored or logged.
    """
    return None
