"""Outlook (Office 365) via Microsoft Graph: client (HTTP), parse (JSON), provider (interface)."""
