import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';

import 'screens/home_screen.dart';
import 'theme/app_theme.dart';

void main() {
  runApp(const ProviderScope(child: TrailJournalApp()));
}

/// Root of the app: wires up the theme and opens on the home screen.
class TrailJournalApp extends StatelessWidget {
  const TrailJournalApp({super.key});

  @override
  Widget build(BuildContext context) {
    return MaterialApp(
      title: 'Trail Journal',
      debugShowCheckedModeBanner: false,
      theme: buildTrailTheme(),
      home: const HomeScreen(),
    );
  }
}
