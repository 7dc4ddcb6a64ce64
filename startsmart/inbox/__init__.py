"""Reading the KTS mailbox: calendar replies (iTIP REPLY) and delivery status notifications."""
