"""Load test of a bot over Direct Line, one conversation per simulated user.

    DIRECTLINE_ENDPOINT=http://127.0.0.1:PORT/v3/directline DIRECTLINE_SECRET=... \
        locust -f examples/loadtest/locustfile.py --headless -u 50 -r 10 -t 1m

Configuration comes from the environment: DIRECTLINE_ENDPOINT (or a region name;
unset: the public service) and DIRECTLINE_SECRET, or DIRECTLINE_TOKEN_ENDPOINT for a
Copilot Studio agent; see directline.locust.DirectLineUser for the other settings.
The expectations suit the emulator's echo bot; put your bot's utterances here.
"""
from locust import between

from directline.locust import DirectLineUser


class EchoBotUser(DirectLineUser):
    """Three turns, each answered "echo: <text>" by the emulator's bot."""

    wait_time = between(1, 2)  # between two conversations of one user
    think_time = (0.5, 1.5)    # before each utterance
    scenario = [
        {"text": "hello", "expect": "^echo: hello$"},
        {"text": "what can you do?", "expect": "^echo: "},
        {"text": "thanks, bye", "expect": "^echo: "},
    ]
