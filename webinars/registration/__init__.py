"""Registration of officials, quotas per country and profile, the waiting list, approvals."""
